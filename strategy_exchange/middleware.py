from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class GermanFirstLocaleMiddleware(LocaleMiddleware):
    """German unless the person chose another language with the language switch.

    The browser's Accept-Language is not followed: municipal staff often run English browsers,
    and the application speaks German first.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesMiddleware:
    """Pages for a signed-in person are theirs alone: ``Cache-Control: private, no-cache`` keeps shared
    caches (proxies) from storing them and makes the browser ask again each time (a conditional GET,
    where the view answers one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
