"""Write operations of the rounds app, one module per concept (rounds, agenda, invitations, …)."""
