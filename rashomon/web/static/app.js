// rashomon web: progressive enhancement only; every page works without it.
// Untrusted text (titles, outlets, problems) is only ever set with textContent, never parsed as HTML.
"use strict";

function setupEntityFilter() {
  const chips = Array.from(document.querySelectorAll("button.entity-chip"));
  if (!chips.length) return;
  const columns = Array.from(document.querySelectorAll(".source-col[data-entities]"));
  const status = document.querySelector(".filter-status");
  function apply(active) {
    const entity = active ? active.dataset.entity : null;
    const label = active ? active.dataset.mentionLabel : null;
    let shown = 0;
    for (const col of columns) {
      const names = (col.dataset.entities || "").split(" ");
      const keep = !entity || names.includes(entity);
      col.hidden = !keep;
      if (keep) shown += 1;
      for (const span of col.querySelectorAll(".sp[data-label]")) {
        span.classList.toggle("entity-hit", !!label && span.dataset.label === label);
      }
    }
    for (const chip of chips) chip.setAttribute("aria-pressed", String(chip === active));
    if (status) {
      status.textContent = entity
        ? shown + " of " + columns.length + " sources name " + active.firstChild.textContent.trim() + ". Choose it again to show all."
        : "";
    }
  }
  for (const chip of chips) {
    chip.addEventListener("click", () => apply(chip.getAttribute("aria-pressed") === "true" ? null : chip));
  }
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

function showJobResult(job, box) {
  const template = document.getElementById("result-template");
  const result = document.getElementById("job-result");
  if (!template || !result) return;
  result.replaceChildren(template.content.cloneNode(true));
  const added = result.querySelector(".added");
  if (!job.added.length) {
    const li = document.createElement("li");
    li.textContent = "Nothing new.";
    added.append(li);
  }
  for (const item of job.added) {
    const li = document.createElement("li");
    const title = link("/articles/" + encodeURIComponent(item.id), item.title);
    title.dir = "auto";
    li.append(title);
    if (!item.new) li.append(" (already stored)");
    if (item.story_id) {
      li.append(" · ");
      li.append(link("/stories/" + encodeURIComponent(item.story_id), "its story"));
    }
    added.append(li);
  }
  const rejected = result.querySelector(".rejected");
  if (job.rejections.length) {
    for (const r of job.rejections) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = r.input;
      li.append(code, ": " + r.problem);
      rejected.append(li);
    }
  } else {
    rejected.remove();
    result.querySelector(".rejected-h").remove();
  }
  result.querySelector(".summary").textContent = job.summary.join(" ");
  box.dataset.state = job.state;
}

function setupJob() {
  const box = document.getElementById("job");
  if (!box || box.dataset.state === "done" || box.dataset.state === "failed") return;
  const id = box.dataset.job;
  const progress = document.getElementById("job-progress");
  async function poll() {
    let job;
    try {
      const response = await fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      job = (await response.json()).job;
    } catch (error) {
      document.getElementById("job-stage").textContent = "lost contact with the server (" + error.message + "), retrying";
      setTimeout(poll, 2000);
      return;
    }
    document.getElementById("job-state").textContent = job.state;
    document.getElementById("job-stage").textContent = job.stage_title;
    document.getElementById("job-count").textContent = job.total ? job.done + " of " + job.total : "";
    progress.max = job.total || 1;
    progress.value = job.total ? Math.min(job.done, job.total) : 0;
    if (job.state === "done") {
      progress.value = progress.max;
      showJobResult(job, box);
    } else if (job.state === "failed") {
      const p = document.createElement("p");
      p.className = "problem";
      p.setAttribute("role", "alert");
      p.textContent = job.error;
      document.getElementById("job-result").replaceChildren(p);
      box.dataset.state = job.state;
    } else {
      setTimeout(poll, 500);
    }
  }
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  setupEntityFilter();
  setupJob();
});
