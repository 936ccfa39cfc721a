"""Organiser pages: dashboard, series, rounds, agenda, invitations, notes, reports, organisations."""
