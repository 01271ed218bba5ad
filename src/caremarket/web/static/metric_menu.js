// The map's "Shade areas by" menu offers a metric only for the sectors it describes
// (each option's data-sectors; empty: every sector). Choosing a sector a selected
// metric does not describe moves the selection to the first metric that does.
(function () {
  "use strict";
  const metric = document.getElementById("metric");
  const sector = document.getElementById("sector");
  if (!metric || !sector) return;

  function applies(option, chosen) {
    const sectors = (option.dataset.sectors || "").split(" ").filter(Boolean);
    return chosen === "all" || sectors.length === 0 || sectors.includes(chosen);
  }

  function offer() {
    const chosen = sector.value;
    for (const option of metric.options) {
      const ok = applies(option, chosen);
      option.disabled = !ok;
      option.hidden = !ok;
    }
    const selected = metric.options[metric.selectedIndex];
    if (selected && selected.disabled) {
      const first = Array.from(metric.options).find((o) => !o.disabled);
      if (first) {
        metric.value = first.value;
        metric.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }

  sector.addEventListener("change", offer);
  offer();
})();
