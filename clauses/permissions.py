"""Who may change the clause library: those who keep the shared directory (organisers and staff)."""

from participants.permissions import AnyUser, can_maintain_directory


def can_edit_library(user: AnyUser) -> bool:
    return can_maintain_directory(user)
