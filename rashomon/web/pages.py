"""The HTML pages: story list, story, article, entity, ingest and job progress, API reference."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ..present.key import story_key
from ..present.languages import language_name
from ..present.report import report_stylesheet
from ..store import Store
from . import views
from .api import (
    ID,
    MAX_FILES_PER_REQUEST,
    ArticleIn,
    StoreDep,
    StoryListQuery,
    UrlsIn,
    drain,
    queue_full,
    submit_articles,
    submit_uploads,
    submit_urls,
    validation_problems,
)
from .jobs import QueueFull, job_record

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = request.app.state.templates.get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html.j2", status_code=status, status=status, message=message)


def _found(load, store: Store, key: str):
    try:
        return load(store, key)
    except views.NotFound as missing:
        raise HTTPException(404, str(missing)) from missing


@router.get("/assets/report.css")
def report_css() -> Response:
    """The report's stylesheet, shared so a story looks the same in the report and here."""
    return Response(report_stylesheet(), media_type="text/css", headers={"cache-control": "max-age=3600"})


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request, store: StoreDep, params: Annotated[StoryListQuery, Query()]) -> HTMLResponse:
    limit = params.limit if "limit" in request.query_params else PAGE_SIZE
    total, summaries = views.list_stories(store, params.story_filter(), limit=limit, offset=params.offset)
    kept = {k: v for k, v in request.query_params.items() if k not in ("offset",) and v}

    def page_link(offset: int) -> str:
        return "/?" + urlencode({**kept, "offset": offset})

    facets = store.stories.facets()
    return render(
        request,
        "stories.html.j2",
        params=params,
        rows=views.story_rows(summaries),
        total=total,
        counts=store.counts(),
        languages=[(code, language_name(code), n) for code, n in facets["languages"]],
        sources=facets["sources"][:300],
        previous=page_link(max(0, params.offset - limit)) if params.offset > 0 else None,
        following=page_link(params.offset + limit) if params.offset + limit < total else None,
        first_shown=params.offset + 1 if summaries else 0,
        last_shown=params.offset + len(summaries),
        filtered=bool(kept),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, store: StoreDep, story_id: ID) -> HTMLResponse:
    return render(request, "story.html.j2", page=_found(views.story_page, store, story_id), colour_key=story_key())


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, store: StoreDep, article_id: ID) -> HTMLResponse:
    return render(request, "article.html.j2", page=_found(views.article_page, store, article_id))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, store: StoreDep, entity_id: ID) -> HTMLResponse:
    return render(request, "entity.html.j2", page=_found(views.entity_page, store, entity_id))


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, store: StoreDep) -> HTMLResponse:
    """Source profiles: how each outlet tells its stories, with the report's plots."""
    return render(request, "sources.html.j2", page=views.sources_page(store))


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> HTMLResponse:
    return render(request, "ingest.html.j2", problem=None, values={}, max_bytes=request.app.state.max_body_bytes)


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_submit(request: Request, store: StoreDep):
    """Pasted text (with its title, outlet, date, language) or uploaded files; the work runs as a background job."""
    try:
        request.app.state.jobs.check_room(store)
        job = await _submit_form(request, store)
    except QueueFull:
        await drain(request)
        raise queue_full() from None
    if isinstance(job, HTMLResponse):
        return job
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


async def _submit_form(request: Request, store: Store):
    """The form's job, accepted; or the form again with its problem."""
    max_bytes = request.app.state.max_body_bytes
    async with request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=20, max_part_size=max_bytes) as form:
        kind = str(form.get("kind") or "paste")
        values = {
            k: str(form.get(k) or "") for k in ("title", "source", "url", "published", "language", "text", "urls")
        }
        if kind == "urls":
            lines = [line.strip() for line in values["urls"].splitlines() if line.strip()]
            try:
                wanted = UrlsIn.model_validate({"urls": lines})
            except ValidationError as error:
                return _form_problem(request, validation_problems(error), values)
            return submit_urls(request, store, wanted.urls)
        has_files = any(getattr(f, "filename", "") for f in form.getlist("files"))
        if kind == "upload" or (has_files and not values["text"].strip()):
            if not has_files:
                return _form_problem(request, "files: choose at least one file to upload", values)
            return await submit_uploads(request, store, form)
    try:
        given = ArticleIn.model_validate({k: v for k, v in values.items() if v.strip() and k != "urls"})
    except ValidationError as error:
        return _form_problem(request, validation_problems(error), values)
    return submit_articles(request, store, [given], "pasted")


def _form_problem(request: Request, problem: str, values: dict[str, str]) -> HTMLResponse:
    return render(
        request,
        "ingest.html.j2",
        status_code=422,
        problem=problem,
        values=values,
        max_bytes=request.app.state.max_body_bytes,
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, store: StoreDep, job_id: ID) -> HTMLResponse:
    found = store.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"job {job_id}: no such job")
    return render(request, "job.html.j2", job=job_record(found))


@router.get("/docs", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    """The OpenAPI description as a page: FastAPI's own /docs loads scripts from a CDN, which the CSP forbids."""
    spec = request.app.openapi()
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                (
                    p["name"],
                    p.get("in", ""),
                    p.get("required", False),
                    p.get("description") or _schema_words(p.get("schema", {})),
                )
                for p in op.get("parameters", [])
            ]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": sorted(op.get("requestBody", {}).get("content", {})),
                }
            )
    return render(request, "docs.html.j2", spec=spec, operations=operations)


def _schema_words(schema: dict[str, Any]) -> str:
    parts = []
    for key in ("type", "format", "minimum", "maximum", "maxLength", "pattern", "default"):
        if key in schema:
            parts.append(f"{key} {schema[key]}")
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            parts.append(_schema_words(option))
    return ", ".join(p for p in parts if p)
