// The map page: area choropleth and location points from /api/v1/map, with filters.
(function () {
  "use strict";
  // Colours come from the server (caremarket.domain.palette), never written here.
  const mapNode = document.getElementById("map");
  const palette = JSON.parse(mapNode.dataset.palette || "{}");
  const RATINGS = palette.ratings || [];
  const RATING_FILL = Object.fromEntries(RATINGS.map((r) => [r.key, r.fill]));
  const RATING_LABEL = Object.fromEntries(RATINGS.map((r) => [r.key, r.label]));
  const SHADES = palette.area_ramp || [];
  const NO_VALUE = palette.no_value;
  const INK = getComputedStyle(document.documentElement).getPropertyValue("--text").trim();
  const form = document.getElementById("filters");
  const slider = document.getElementById("release");
  const dates = JSON.parse(slider.dataset.dates || "[]");
  const labels = JSON.parse(slider.dataset.labels || "[]");
  const ratingLabel = (key) => RATING_LABEL[key || "not_rated"] || String(key);
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: true });
  mapNode.setAttribute("aria-roledescription", "map");
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS (OGL v3.0), contains OS data © Crown copyright");
  let areaLayer = null;
  let pointLayer = null;
  let fitted = false;
  let latest = 0; // responses to an older request than the latest are dropped

  function params(extra) {
    const data = new FormData(form);
    const query = new URLSearchParams();
    const asOf = dates[Number(slider.value)];
    for (const [key, value] of data.entries()) {
      if (value && key !== "release") query.set(key, value);
    }
    if (asOf) query.set("as_of", asOf);
    for (const [key, value] of Object.entries(extra || {})) {
      if (value === null) query.delete(key); else query.set(key, value);
    }
    return query;
  }

  // One format per measure, as the server's tables write it: whole things without decimals,
  // percentages with one decimal and %, every other measure with one decimal.
  const WHOLE = new Set(["count", "people", "beds", "jobs", "rank"]);
  function format(value, unit) {
    if (value === null || value === undefined) return "-";
    if (unit === "percent") return value.toFixed(1) + "%";
    const digits = WHOLE.has(unit) ? 0 : 1;
    const text = value.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return unit === "months" || unit === "days" ? text + " " + unit : text;
  }

  // Upper bounds of the classes (quintiles), each once: equal cuts would make empty classes.
  function breaks(values) {
    const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
    if (!sorted.length) return [];
    const cuts = [1, 2, 3, 4].map((i) => sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / 5))]);
    return cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]).filter((c) => c < sorted[sorted.length - 1]);
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
    return response.json();
  }

  // Every text from the API goes in through textContent or setAttribute: never innerHTML.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
    }
    return node;
  }

  function tooltip(text) {
    return el("span", {}, text);
  }

  function showArea(code, name) {
    const query = params({ metric: null, level: null, rating: null, locality: null });
    getJSON(`/api/v1/areas/${encodeURIComponent(code)}?${query}`).then((data) => {
      const body = document.getElementById("details-body");
      document.getElementById("details-hint").textContent = "";
      const items = data.figures.map((f) =>
        el("li", {}, el("span", {}, f.label),
          el("strong", { "data-metric": f.metric }, f.suppressed ? "*" : format(f.value, f.unit))));
      body.replaceChildren(
        el("h3", { id: "area-name" }, name),
        el("p", {}, `As at ${labelOf(data.as_of)}`),
        el("ul", { class: "details-list" }, ...items));
    }).catch((error) => { document.getElementById("details-body").textContent = error.message; });
  }

  function showLocation(p) {
    const body = document.getElementById("details-body");
    document.getElementById("details-hint").textContent = "";
    const rating = ratingLabel(p.rating);
    const row = (label, value) => el("li", {}, el("span", {}, label), el("span", {}, value));
    body.replaceChildren(
      el("h3", {}, p.name || p.location_id),
      el("ul", { class: "details-list" },
        row("Provider", p.provider_name || "-"), row("Rating", rating),
        row("Beds", p.beds ?? "-"), row("District", p.district_name || "-")),
      el("p", {}, el("a", { href: profileLink(p.location_id) }, "Location profile")));
  }

  function drawAreas(collection) {
    const unit = collection.metadata.metric.unit;
    const values = collection.features.map((f) => f.properties.value);
    const cuts = breaks(values);
    // Classes in use: with fewer distinct values than five, the darker end of the ramp.
    const shades = SHADES.slice(SHADES.length - (cuts.length + 1));
    const colour = (value) => {
      if (value === null || value === undefined) return NO_VALUE;
      let i = 0;
      while (i < cuts.length && value > cuts[i]) i += 1;
      return shades[i];
    };
    if (areaLayer) areaLayer.remove();
    areaLayer = L.geoJSON(collection, {
      style: (f) => ({
        color: INK, weight: 1.2, fillOpacity: 0.85, fillColor: colour(f.properties.value),
        dashArray: f.properties.value === null || f.properties.value === undefined ? "4 3" : null,
      }),
      onEachFeature: (f, layer) => {
        const text = `${f.properties.area_name}: ${f.properties.suppressed ? "hidden (small number)" : format(f.properties.value, unit)}`;
        layer.bindTooltip(tooltip(text));
        layer.on("click", () => showArea(f.properties.area_code, f.properties.area_name));
      },
    }).addTo(map);
    if (pointLayer) pointLayer.bringToFront();
    if (!fitted && collection.features.length) { map.fitBounds(areaLayer.getBounds(), { padding: [12, 12] }); fitted = true; }
    const legend = document.getElementById("legend");
    const label = collection.metadata.metric.label;
    const swatch = (style) => { const node = el("span", { class: "swatch", "aria-hidden": "true" }); Object.assign(node.style, style); return node; };
    const dot = (style) => { const node = swatch(style); node.classList.add("dot"); return node; };
    const item = (...children) => el("li", {}, ...children);
    const steps = cuts.length ? shades.map((fill, i) => {
      const low = i === 0 ? "" : format(cuts[i - 1], unit);
      const high = i < cuts.length ? format(cuts[i], unit) : "";
      const text = i === 0 ? "up to " + high : i === shades.length - 1 ? "over " + low : low + " to " + high;
      return item(swatch({ background: fill }), text);
    }) : values.some((v) => v !== null && v !== undefined)
      ? [item(swatch({ background: shades[0] }), format(values.find((v) => v !== null && v !== undefined), unit))] : [];
    const blank = values.some((v) => v === null || v === undefined)
      ? [item(swatch({ background: NO_VALUE, borderStyle: "dashed" }), "no value")] : [];
    const dots = RATINGS.map((r) => item(dot({ background: r.fill }), r.label));
    const yours = mapNode.dataset.provider
      ? [item(dot({ background: NO_VALUE, border: "3px solid " + INK }), "your locations")] : [];
    legend.replaceChildren(
      el("div", {}, el("strong", {}, label), el("ul", {}, ...steps, ...blank)),
      el("div", {}, el("strong", {}, "Locations by CQC rating"), el("ul", {}, ...dots, ...yours)));
    const empty = collection.metadata.empty_reason;
    const note = document.getElementById("map-empty");
    note.hidden = !empty;
    note.textContent = empty || "";
    const tbody = document.querySelector("#areas-table tbody");
    document.getElementById("areas-caption").textContent = `${label} (${unit}), as at ${labelOf(collection.metadata.as_of)}`;
    tbody.replaceChildren(...collection.features.map((f) => el("tr", {},
      el("th", { scope: "row" }, f.properties.area_name),
      el("td", {}, f.properties.suppressed ? "*" : format(f.properties.value, unit)),
      el("td", {}, el("button", {
        type: "button", class: "linkish", "data-code": f.properties.area_code, "data-name": f.properties.area_name,
      }, "Show figures", el("span", { class: "visually-hidden" }, " for " + f.properties.area_name))))));
  }

  // A location's profile as at the release the slider shows (the latest: no date asked).
  function profileLink(id) {
    const i = Number(slider.value);
    const when = i < dates.length - 1 ? `?as_of=${encodeURIComponent(dates[i])}` : "";
    return `/locations/${encodeURIComponent(id)}${when}`;
  }

  function labelOf(day) {
    const i = dates.indexOf(day);
    return i >= 0 && labels[i] ? labels[i] : day;
  }

  function drawPoints(collection) {
    if (pointLayer) pointLayer.remove();
    const own = document.getElementById("map").dataset.provider;
    pointLayer = L.geoJSON(collection, {
      pointToLayer: (f, latlng) => {
        const mine = own && f.properties.provider_id === own;
        return L.circleMarker(latlng, {
          radius: mine ? 8 : 5, weight: mine ? 3 : 1, color: INK,
          fillOpacity: 1, fillColor: RATING_FILL[f.properties.rating || "not_rated"],
          className: mine ? "own-location" : "",
        });
      },
      onEachFeature: (f, layer) => {
        layer.bindTooltip(tooltip(f.properties.name || f.properties.location_id));
        layer.on("click", () => showLocation(f.properties));
      },
    }).addTo(map);
    mapNode.dataset.locations = String(collection.features.length);
    const named = collection.features.map((f) => f.properties)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const reason = collection.metadata.empty_reason;
    document.getElementById("locations-summary").textContent = named.length
      ? `List the ${named.length} locations shown` : "No location is drawn: why";
    const why = document.getElementById("locations-empty");
    why.hidden = !reason;
    why.textContent = reason || "";
    const note = document.getElementById("map-empty");
    if (reason && note.hidden) { note.hidden = false; note.textContent = reason; }
    else if (reason) note.textContent += " " + reason;
    document.getElementById("locations-list").replaceChildren(...named.map((p) => el("li", {},
      el("a", { href: profileLink(p.location_id) }, p.name || p.location_id),
      ` ${ratingLabel(p.rating)}, ${p.district_name || ""}`)));
  }

  function refresh() {
    const asOf = dates[Number(slider.value)] || "";
    const shown = labels[Number(slider.value)] || asOf;
    document.getElementById("release-label").textContent = shown;
    slider.setAttribute("aria-valuetext", shown);
    const areaQuery = params({ rating: null, locality: null });
    const pointQuery = params({ metric: null, level: null });
    const mine = ++latest;
    document.getElementById("map").dataset.loading = "true";
    Promise.all([
      getJSON(`/api/v1/map/areas?${areaQuery}`),
      getJSON(`/api/v1/map/locations?${pointQuery}`),
    ]).then(([areas, points]) => {
      if (mine !== latest) return;
      drawAreas(areas);
      drawPoints(points);
    }).catch((error) => {
      if (mine === latest) document.getElementById("legend").textContent = error.message;
    }).finally(() => {
      if (mine === latest) document.getElementById("map").dataset.loading = "false";
    });
  }

  document.querySelector("#areas-table tbody").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-code]");
    if (button) showArea(button.dataset.code, button.dataset.name);
  });
  // A window resized (a phone turned) refits the areas, unless someone has moved the map.
  let moved = false;
  map.on("dragstart", () => { moved = true; });
  mapNode.querySelector(".leaflet-control-zoom")?.addEventListener("click", () => { moved = true; });
  let refit = 0;
  map.on("resize", () => {
    clearTimeout(refit);
    refit = setTimeout(() => {
      if (moved || !fitted || !areaLayer) return;
      const bounds = areaLayer.getBounds();
      const size = map.getSize();
      if (bounds.isValid() && size.x > 40 && size.y > 40) map.fitBounds(bounds, { padding: [12, 12] });
    }, 150);
  });
  form.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  slider.addEventListener("input", () => {
    document.getElementById("release-label").textContent = labels[Number(slider.value)] || dates[Number(slider.value)] || "";
  });
  refresh();
})();
