import ipaddress
from contextlib import suppress
from functools import lru_cache

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from strategy_exchange.limits import EMAIL_MAX_LENGTH
from strategy_exchange.mail import Email, render_subject, render_text

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request, *, trusted_proxies: list[str] | tuple[str, ...]) -> str | None:
    """The address of the client that sent the request.

    REMOTE_ADDR is the peer of the connection. Only when that peer is one of the trusted proxies is
    ``X-Forwarded-For`` read, from the right: each trusted proxy appends the address it was connected
    from, so the right-most address that is not a trusted proxy is the client. Everything left of it
    was written by the client and is ignored. From any other peer the header is ignored entirely.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(trusted_proxies))

    def trusted(address) -> bool:
        return address is not None and any(address in network for network in networks)

    peer = _address(remote)
    if not trusted(peer):
        return str(peer) if peer is not None else None
    client = peer
    for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a trusted proxy never writes this: keep the last address a trusted hop vouched for
        client = address
        if not trusted(address):
            break
    return str(client)


class AccountAdapter(DefaultAccountAdapter):
    """Open self-registration is off: accounts come only from invitations."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def clean_email(self, email: str) -> str:
        """Every allauth form that takes an address (sign-in, password reset, adding or changing an
        address) refuses one longer than the database and mail servers hold."""
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("Eine E-Mail-Adresse darf höchstens %(limit)d Zeichen haben.") % {"limit": EMAIL_MAX_LENGTH}
            )
        return email

    def get_login_redirect_url(self, request) -> str:
        """Where the person starts after signing in (a ``?next=`` address comes first; allauth asks here only
        without one): the navigation of the upper floors decides (``request.nav.landing_url``: organisers on
        their overview, representatives on their rounds)."""
        nav = getattr(request, "nav", None)
        if nav is None:
            return super().get_login_redirect_url(request)
        request.nav = nav.for_user(request.user)  # the navigation was made before the person signed in
        return request.nav.landing_url

    def get_client_ip(self, request) -> str:
        """The client address for allauth's rate limits (per IP), behind the trusted proxies of TRUSTED_PROXIES."""
        ip = client_ip(request, trusted_proxies=settings.TRUSTED_PROXIES)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def render_mail(self, template_prefix: str, email, context: dict, headers: dict | None = None) -> Email:
        """allauth's own mails (password reset, address verification) are sent at once, as allauth does, but
        rendered like every other email: subject and text without HTML escaping, the same sender."""
        to = [email] if isinstance(email, str) else list(email)
        subject = self.format_email_subject(render_subject(f"{template_prefix}_subject.txt", context))
        message = Email(
            subject,
            render_text(f"{template_prefix}_message.txt", context).strip(),
            self.get_from_email(),
            to,
            headers=headers,
        )
        with suppress(TemplateDoesNotExist):
            message.attach_alternative(
                render_to_string(f"{template_prefix}_message.html", context).strip(), "text/html"
            )
        return message
