// Sort every table.sortable by the clicked header; a cell's data-sort wins over its text.
(() => {
  const key = (cell) => {
    const raw = cell.dataset.sort ?? cell.textContent.trim();
    return raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  };
  const compare = (a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b), "zh");
  for (const table of document.querySelectorAll("table.sortable")) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, col) => {
      const sort = () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((r, s) => (ascending ? 1 : -1) * compare(key(r.cells[col]), key(s.cells[col])));
        body.append(...rows);
      };
      th.tabIndex = 0;
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  }
})();
