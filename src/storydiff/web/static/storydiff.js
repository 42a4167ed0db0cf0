// storydiff web: selecting a finding highlights its statements in every report and scrolls to them.
// An enhancement only: without it every finding still links to its first highlighted statement.
"use strict";

(function () {
  // Where each highlighted piece of a report's text starts and ends, in characters of the
  // article text (the offsets findings carry). The flags report/view.py puts before a highlight
  // (a.flag) are not part of the text. Offsets count code points, as Python does.
  const pieceCache = new WeakMap();

  function length(text) {
    let n = 0;
    for (const _ of text) n += 1;
    return n;
  }

  function pieces(body) {
    if (pieceCache.has(body)) return pieceCache.get(body);
    const found = [];
    let offset = 0;
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          offset += length(child.data);
        } else if (child.nodeType === Node.ELEMENT_NODE && !child.classList.contains("flag")) {
          const start = offset;
          walk(child);
          if (child.tagName === "MARK") found.push({ mark: child, start: start, end: offset });
        }
      }
    };
    walk(body);
    pieceCache.set(body, found);
    return found;
  }

  function clear() {
    for (const el of document.querySelectorAll(".is-selected")) el.classList.remove("is-selected");
  }

  function scrollInside(body, mark) {
    // each report's own scroll box shows the statement, near its top third
    if (body.scrollHeight > body.clientHeight) {
      body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3);
    }
  }

  function select(finding, scroll) {
    clear();
    finding.classList.add("is-selected");
    const firsts = [];
    const reports = new Set();
    for (const link of finding.querySelectorAll("a.evidence[data-body]")) {
      const body = document.getElementById(link.dataset.body);
      if (!body) continue;
      const start = Number(link.dataset.start);
      const end = Number(link.dataset.end);
      let first = null;
      for (const piece of pieces(body)) {
        if (piece.start < end && piece.end > start) {
          piece.mark.classList.add("is-selected");
          if (first === null) first = piece.mark;
        }
      }
      if (first !== null) {
        reports.add(body.id);
        if (!firsts.some((pair) => pair[0] === body)) firsts.push([body, first]);
      }
    }
    const status = document.getElementById("selection-status");
    if (status) {
      const title = finding.querySelector(".finding-link");
      const what = title ? title.textContent.trim() : "the finding";
      status.textContent = reports.size
        ? "Highlighted: " + what + ", in " + reports.size + (reports.size === 1 ? " report." : " reports.")
        : "The statements of " + what + " are not in the texts shown.";
    }
    if (scroll && firsts.length) {
      for (const [body, mark] of firsts) scrollInside(body, mark);
      firsts[0][1].scrollIntoView({ block: "center" });
    }
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const link = target.closest("a.finding-link, a.evidence");
    if (link) {
      const finding = link.closest(".finding");
      if (!finding) return;
      if (link.classList.contains("finding-link")) {
        event.preventDefault(); // stay on the finding's link; the texts scroll to it instead
        select(finding, true);
      } else {
        select(finding, false); // the link itself jumps to its statement
      }
      return;
    }
    const flag = target.closest("a.flag");
    if (flag) {
      const finding = document.getElementById(flag.getAttribute("href").slice(1));
      if (finding && finding.classList.contains("finding")) {
        const closed = finding.closest("details:not([open])");
        if (closed) closed.open = true;
        select(finding, false); // the flag's own link then jumps to the finding
      }
    }
  });
})();
