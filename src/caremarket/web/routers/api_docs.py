"""/api/v1/docs: the open API's interactive documentation (Swagger UI, served from this site).

FastAPI's page is made accessible here: it names its language, sits in a main
landmark, and a small style sheet (static/api_docs.css) lifts Swagger UI's
pale greys to WCAG AA contrast. Deep links are off: Swagger UI puts them as
links inside the buttons that open each operation (nested interactive controls).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCS_PATH = "/api/v1/docs"
DOCS_STATIC = "/static/docs"
OPENAPI_PATH = "/api/v1/openapi.json"

router = APIRouter(tags=["docs"])


@router.get(DOCS_PATH, include_in_schema=False)
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over the open API's description, with the site's accessibility fixes."""
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{OPENAPI_PATH}",
        title="caremarket open API",
        oauth2_redirect_url=None,
        swagger_js_url=f"{root}{DOCS_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{root}/favicon.ico",
        swagger_ui_parameters={"deepLinking": False, "syntaxHighlight": False},
    )
    html = bytes(page.body).decode()
    html = html.replace("<html>", '<html lang="en-GB">', 1)
    html = html.replace(
        "</head>", f'<link rel="stylesheet" href="{root}/static/api_docs.css">\n</head>', 1
    )
    html = html.replace(
        '<div id="swagger-ui">',
        '<header class="docs-header"><nav aria-label="Site">'
        f'<a href="{root}/">Back to the Care Market Intelligence Tool</a></nav></header>\n'
        '<main id="swagger-ui">',
        1,
    )
    html = html.replace("</div>\n    <script", "</main>\n    <script", 1)
    return HTMLResponse(html)
