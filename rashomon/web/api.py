"""The JSON API: each endpoint a thin layer over ``views`` and the store; errors are JSON with a status."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Iterator, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..ingest.decoding import JsonProblem, parse_json
from ..store import JobRecord, Store, StoryFilter
from . import views
from .exports import chunks
from .jobs import ARTICLES, RETRY_AFTER_S, UPLOADS, URLS, QueueFull, job_record

router = APIRouter(prefix="/api", tags=["api"])

MAX_ARTICLES_PER_REQUEST = 100
MAX_FILES_PER_REQUEST = 50
MAX_TEXT_CHARS = 2_000_000
ID = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\w.:-]+$")]


def store_dependency(request: Request) -> Iterator[Store]:
    """A connection of the pool for this request alone, given back when the response is sent."""
    pool = request.app.state.stores
    store = pool.acquire()
    try:
        yield store
    finally:
        pool.release(store)


StoreDep = Annotated[Store, Depends(store_dependency)]


class StoryListQuery(BaseModel):
    """Filters and page of the story list; also the story list page's query string."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=200, description="Words searched in article titles and texts.")
    language: str | None = Field(None, max_length=16, pattern=r"^[A-Za-z-]+$")
    source: str | None = Field(None, max_length=200)
    published_from: date | None = Field(
        None, alias="from", description="Stories with an article published on or after."
    )
    published_to: date | None = Field(None, alias="to", description="Stories with an article published on or before.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_any(cls, values: Any) -> Any:
        # The page's form sends every field, empty ones included: an empty filter is no filter.
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if v not in ("", None)}
        return values

    def story_filter(self) -> StoryFilter:
        return StoryFilter(
            query=(self.q or "").strip() or None,
            language=self.language or None,
            source=self.source or None,
            published_from=self.published_from.isoformat() if self.published_from else None,
            published_to=self.published_to.isoformat() if self.published_to else None,
        )


class ArticleIn(BaseModel):
    """One article to store and analyse: the text, and what is known about it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=300, description="The outlet.")
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=64, description="ISO 8601 date or datetime.")
    language: str | None = Field(None, max_length=16, description="ISO 639-1 hint.")


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES_PER_REQUEST)


MAX_URLS_PER_REQUEST = 20


class UrlsIn(BaseModel):
    """Web pages to fetch, store and analyse (public http/https addresses only)."""

    model_config = ConfigDict(extra="forbid")

    urls: list[Annotated[str, Field(min_length=8, max_length=2000, pattern=r"^https?://")]] = Field(
        min_length=1, max_length=MAX_URLS_PER_REQUEST
    )


def job_response(request: Request, job: JobRecord) -> JSONResponse:
    return JSONResponse(
        {"job": job_record(job), "links": {"job": f"/api/jobs/{job.id}", "page": f"/jobs/{job.id}"}}, status_code=202
    )


def queue_full() -> HTTPException:
    return HTTPException(
        429,
        f"ingest queue: full (earlier jobs are still waiting); try again in {RETRY_AFTER_S} s",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def submit_articles(request: Request, store: Store, articles: list[ArticleIn], label: str) -> JobRecord:
    """Spool validated articles and accept them as a job (QueueFull when there is no room)."""
    jobs = request.app.state.jobs
    spool = jobs.new_spool()
    spool.write_json("articles.json", {"label": label, "articles": [a.model_dump(exclude_none=True) for a in articles]})
    return jobs.submit(store, spool, ARTICLES, len(articles))


def submit_urls(request: Request, store: Store, urls: list[str]) -> JobRecord:
    jobs = request.app.state.jobs
    spool = jobs.new_spool()
    spool.write_json("urls.json", urls)
    return jobs.submit(store, spool, URLS, len(urls))


async def submit_uploads(request: Request, store: Store, form, field: str = "files") -> JobRecord:
    """Copy the form's uploaded files to a spool, a chunk at a time, and accept them as a job."""
    uploads = [f for f in form.getlist(field) if hasattr(f, "read") and getattr(f, "filename", None)]
    if not uploads:
        raise HTTPException(422, f"{field}: no file uploaded")
    jobs = request.app.state.jobs
    spool = jobs.new_spool()
    try:
        for upload in uploads:
            # The label is the file's name, never a path on this machine.
            name = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
            await spool.add_upload(f"upload:{name}", upload)
        count = spool.close_uploads()
    except BaseException:
        spool.discard()
        raise
    return jobs.submit(store, spool, UPLOADS, count)


@router.get("/sources", summary="Source profiles: techniques per 1,000 words, attribution, whom each quotes, naming")
def list_sources(store: StoreDep) -> dict[str, Any]:
    page = views.sources_page(store)
    return {"sources": [views.profile_record(p) for p in page.profiles]}


@router.get("/stories", summary="Stories, largest first, filtered and paginated")
def list_stories(store: StoreDep, params: Annotated[StoryListQuery, Query()]) -> dict[str, Any]:
    total, summaries = views.list_stories(store, params.story_filter(), limit=params.limit, offset=params.offset)
    following = params.offset + params.limit
    return {
        "total": total,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": following if following < total else None,
        "stories": [views.summary_record(s) for s in summaries],
    }


@router.get("/stories/{story_id}", summary="One story: its articles, entities, quotes, claims and comparison")
def get_story(store: StoreDep, story_id: ID) -> dict[str, Any]:
    return views.story_record(_found(views.story_page, store, story_id))


@router.get("/articles/{article_id}", summary="One article: the export record plus every analysis span")
def get_article(store: StoreDep, article_id: ID) -> dict[str, Any]:
    return views.article_api_record(_found(views.article_page, store, article_id))


@router.get("/entities/{entity_id}", summary="One entity: its variants and the stories that name it")
def get_entity(store: StoreDep, entity_id: ID) -> dict[str, Any]:
    return views.entity_api_record(_found(views.entity_page, store, entity_id))


EXPORT_MEDIA = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/export",
    summary="The whole corpus, exactly as `rashomon export --format FORMAT --table TABLE` writes it",
    description="`format`: json (the public contract, docs/export.md), jsonl, csv or xlsx. `table`, for csv: "
    "articles (one row per article) or comparison (one row per statement per source in each compared point); "
    "xlsx holds both tables, one sheet each.",
)
def export(
    request: Request,
    store: StoreDep,
    format: Literal["json", "jsonl", "csv", "xlsx"] = "json",
    table: Literal["articles", "comparison"] = "articles",
) -> Response:
    stream = request.app.state.exports.open(store, format, table)
    headers = {}
    if format in ("csv", "xlsx"):
        name = f"rashomon-{table}.csv" if format == "csv" else "rashomon.xlsx"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return StreamingResponse(chunks(stream), media_type=EXPORT_MEDIA[format], headers=headers)


@router.get("/jobs/{job_id}", summary="Progress and result of a background ingest")
def get_job(store: StoreDep, job_id: ID) -> dict[str, Any]:
    job = store.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"job {job_id}: no such job")
    return {"job": job_record(job)}


@router.post(
    "/articles",
    status_code=202,
    summary="Store and analyse articles in the background; returns a job to poll",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ArticlesIn"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                    }
                },
            },
        }
    },
)
async def post_articles(request: Request, store: StoreDep) -> JSONResponse:
    """A JSON body ``{"articles": [{"text": ..., "title": ...}, ...]}`` (or one such object), ``{"urls": [...]}``
    (public web pages to fetch), or files uploaded as ``multipart/form-data`` under ``files``
    (.txt .html .json .jsonl .csv .warc). Answers 202 with the job once its inputs are safely on disk;
    429 with Retry-After while the ingest queue is full."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    jobs = request.app.state.jobs
    try:
        jobs.check_room(store)  # before the body is read: a full queue costs the client nothing to learn
        if content_type == "multipart/form-data":
            limit = request.app.state.max_body_bytes
            async with request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=50, max_part_size=limit) as form:
                job = await submit_uploads(request, store, form)
            return job_response(request, job)
        if content_type != "application/json":
            raise HTTPException(
                415, f"request body: expected application/json or multipart/form-data, not {content_type or 'nothing'}"
            )
        data = parse_body(await request.body())
        if isinstance(data, dict) and "urls" in data:
            try:
                wanted = UrlsIn.model_validate(data)
            except ValidationError as error:
                raise _invalid(error) from error
            return job_response(request, submit_urls(request, store, wanted.urls))
        if isinstance(data, dict) and "text" in data:
            data = {"articles": [data]}
        try:
            given = ArticlesIn.model_validate(data)
        except ValidationError as error:
            raise _invalid(error) from error
        return job_response(request, submit_articles(request, store, given.articles, "api"))
    except QueueFull:
        await drain(request)
        raise queue_full() from None


async def drain(request: Request) -> None:
    """Read what is left of the body, keeping none of it: a client still sending would see a broken pipe, not
    the answer, if the server closed on it."""
    try:
        async for _ in request.stream():
            pass
    except RuntimeError:  # already read
        pass


def parse_body(body: bytes) -> Any:
    """A request's JSON body, read as ingest reads untrusted JSON (depth bound, no NaN, bounded integers);
    400 with one line when it is not JSON or nests too deep to be an article."""
    try:
        return parse_json(body)
    except JsonProblem as problem:
        raise HTTPException(400, f"request body: {problem}") from problem


def validation_problems(error: ValidationError) -> str:
    """A model's validation errors as one line: ``field: problem; ...``."""
    return "; ".join(
        ".".join(str(p) for p in e["loc"]) + ": " + e["msg"] if e["loc"] else e["msg"] for e in error.errors()
    )


def _invalid(error: ValidationError) -> HTTPException:
    return HTTPException(422, validation_problems(error))


def _found(load, store: Store, key: str):
    try:
        return load(store, key)
    except views.NotFound as missing:
        raise HTTPException(404, str(missing)) from missing
