// JSON requests to the annotation API with the session's CSRF token.

export class ApiError extends Error {
  constructor(field, message, status) {
    super(message);
    this.field = field;
    this.status = status;
  }
}

export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function createApi(config) {
  async function request(method, url, body, extraHeaders = {}) {
    const headers = { Accept: "application/json", ...extraHeaders };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = config.csrfToken;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError("network", config.labels.networkError, 0);
    }
    if (response.status === 204) return null;
    const isJson = (response.headers.get("Content-Type") || "").includes("json");
    const data = isJson ? await response.json() : null;
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(
        error.field || "request",
        error.message || `${response.status} ${response.statusText}`,
        response.status,
      );
    }
    return data;
  }

  // Server-rendered HTML: the elements it holds, or null for a 404.
  async function fragments(url) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch {
      throw new ApiError("network", config.labels.networkError, 0);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new ApiError("request", `${response.status} ${response.statusText}`, response.status);
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    return [...template.content.children];
  }

  const itemUrl = (id) => `${config.api.annotations}${id}/`;
  return {
    // One key per save: a retry after a lost answer does not save twice.
    create: (data, key = newKey()) =>
      request("POST", config.api.annotations, data, { "Idempotency-Key": key }),
    get: (id) => request("GET", itemUrl(id)),
    // A version from when the editor opened: a note changed elsewhere since is not overwritten.
    update: (id, data, version) =>
      request("PATCH", itemUrl(id), data, version ? { "If-Match": `"${version}"` } : {}),
    remove: (id) => request("DELETE", itemUrl(id)),
    preview: (body) => request("POST", config.api.preview, { body }),
    tags: (q, group) =>
      request(
        "GET",
        `${config.api.tags}?q=${encodeURIComponent(q)}${group ? `&group=${encodeURIComponent(group)}` : ""}`,
      ),
    thread: async (id) => ((await fragments(config.api.thread.replace("{id}", id))) || [null])[0],
    threads: async (url) => (await fragments(url)) || [],
  };
}
