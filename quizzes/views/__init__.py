"""Function views, split by audience: taking, results, reports, studio, home."""


def fragment(request, template: str, name: str) -> str:
    """The page, or only its ``name`` partial when htmx asks for a fragment.

    History restores (back button after hx-push-url) and boosted links get the
    whole page.
    """
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return f"{template}#{name}"
    return template
