// "Show more" under a paginated list, for app.js's pages:
// <a data-more="#list" href="?cursor=...">Show more</a> (the _macros.html
// "more" macro). Without JavaScript the link opens the next page; with it the
// next page's items of #list are appended in place, the link moves on (or
// goes on the last page) and focus moves to the first new item.
"use strict";

(function () {
  async function showMore(event) {
    const link = event.target.closest("a[data-more]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const list = document.querySelector(link.dataset.more);
    if (!list) return;
    event.preventDefault();
    if (link.dataset.pending) return;
    link.dataset.pending = "true";
    link.setAttribute("aria-busy", "true");
    let doc;
    try {
      const response = await fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected) throw new Error("not a list page");
      doc = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      window.location.assign(link.href);
      return;
    }
    const more = doc.querySelector(link.dataset.more);
    if (!more) { window.location.assign(link.href); return; }
    const known = new Set([...list.querySelectorAll("[id]")].map((element) => element.id));
    const added = [...more.children].filter((item) => !item.querySelector("[id]") || !known.has(item.querySelector("[id]").id));
    list.append(...added);
    window.darasa.relativeDates(list);
    const next = [...doc.querySelectorAll("a[data-more]")].find((a) => a.dataset.more === link.dataset.more);
    delete link.dataset.pending;
    link.removeAttribute("aria-busy");
    if (next) link.href = next.getAttribute("href"); else (link.closest("[data-more-row]") || link).remove();
    document.dispatchEvent(new CustomEvent("darasa:updated"));
    const first = added[0];
    if (!first) return;
    const target = first.querySelector("a[href], summary, button") || first;
    if (target === first) first.tabIndex = -1;
    target.focus();
  }

  document.addEventListener("click", showMore);
})();
