from django.conf import settings
from django.http import HttpResponseBadRequest, QueryDict

from quizzes.text import CONTROL, strip_control


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class ControlCharacterMiddleware:
    """Remove control characters from what a request carries, before any view sees it.

    Query strings and form fields lose them (a stray NUL pasted into a search box is
    not worth an error page); a path containing one is refused with 400; a cookie
    containing one is dropped. Uploaded files are checked by the importers, which
    report the line.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path_info):
            return HttpResponseBadRequest(
                "The address contains control characters; check the link.",
                content_type="text/plain; charset=utf-8",
            )
        request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _cleaned(request.POST)
            for upload in request.FILES.values():
                upload.name = strip_control(upload.name or "") or "upload"
        for name, value in list(request.COOKIES.items()):
            if CONTROL.search(name) or CONTROL.search(value):
                del request.COOKIES[name]
        return self.get_response(request)


def _cleaned(data: QueryDict) -> QueryDict:
    if not any(CONTROL.search(k) or any(CONTROL.search(v) for v in vs) for k, vs in data.lists()):
        return data
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(strip_control(key), [strip_control(v) for v in values])
    clean._mutable = False
    return clean
