"""The unsubscribe service (ASGI): a confirmation page on GET, RFC 8058 one-click on POST.

    GET  /unsubscribe/<token>   a page with one button; changes nothing (mail scanners
                                and link previews fetch every link in a message)
    POST /unsubscribe/<token>   body List-Unsubscribe=One-Click: unsubscribes at once, 200
    GET  /healthz               "ok" once the store answers

A token that is not signed with the key, or was never sent, gets a 400/404 page; a used
one a 200 page saying the address is already off the list.  Nothing echoes the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from channels.distribution import ledger
from channels.distribution.database import Store
from channels.distribution.messages import verify_token

ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    text: str
    button: bool = False


INVALID = Page(400, "This unsubscribe link is not valid",
               "It may have been cut short when it was copied. Use the link at the end of any "
               "of our newsletters, or reply to one with the word unsubscribe.")
UNKNOWN = Page(404, "This unsubscribe link is not known",
               "No newsletter was sent with this link. Use the link at the end of the "
               "newsletter you received, or reply to it with the word unsubscribe.")
CONFIRM = Page(200, "Unsubscribe from our newsletter?",
               "Press the button to stop receiving this newsletter. Nothing changes until "
               "you do.", button=True)
DONE = Page(200, "You are unsubscribed",
            "You will not receive this newsletter again. Thank you for reading.")
USED = Page(200, "You are already unsubscribed",
            "This link was used before: the address is off the list, and nothing more "
            "needs doing.")
BAD_POST = Page(400, "Nothing was changed",
                f"A one-click unsubscribe sends the form field {ONE_CLICK}. Use the button "
                "on the page this link opens.")

STYLE = ("body{font:1.125rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
         "padding:0 1rem;color:#1b1b1b}button{font:inherit;padding:.75rem 1.5rem;"
         "min-height:44px;cursor:pointer}")


def render(page: Page, organization: str) -> HTMLResponse:
    form = ('<form method="post"><input type="hidden" name="List-Unsubscribe" '
            'value="One-Click"><button type="submit">Unsubscribe</button></form>'
            if page.button else "")
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{escape(page.title)} · '
            f'{escape(organization)}</title><style>{STYLE}</style></head><body><main>'
            f'<h1>{escape(page.title)}</h1><p>{escape(page.text)}</p>{form}'
            f'<p>{escape(organization)}</p></main></body></html>')
    return HTMLResponse(body, status_code=page.status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def create_app(store: Store, key: bytes, organization: str = "Pacific Mind Health") -> Starlette:
    """The service over one store; ``key`` is the PUBLISH_SIGNING_KEY the links were signed with."""

    async def show(request: Request) -> Response:
        handle = verify_token(key, request.path_params["token"])
        if handle is None:
            return render(INVALID, organization)
        found = await run_in_threadpool(ledger.handle_state, store, handle)
        return render({None: UNKNOWN, "used": USED}.get(found, CONFIRM), organization)

    async def one_click(request: Request) -> Response:
        handle = verify_token(key, request.path_params["token"])
        if handle is None:
            return render(INVALID, organization)
        form = await request.form()
        if form.get("List-Unsubscribe") != "One-Click":
            return render(BAD_POST, organization)
        outcome = await run_in_threadpool(ledger.use_handle, store, handle)
        if outcome is None:
            return render(UNKNOWN, organization)
        return render(USED if outcome[0] == "used" else DONE, organization)

    async def health(request: Request) -> Response:
        await run_in_threadpool(ledger.states, store, "")
        return PlainTextResponse("ok")

    return Starlette(routes=[
        Route("/unsubscribe/{token}", show, methods=["GET"]),
        Route("/unsubscribe/{token}", one_click, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ])
