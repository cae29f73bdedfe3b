// The small HTML page both hosts answer a browser with when they cannot route (the worker's 422 for
// a request no session claims, the local server's 502 for a dev server that is down). Plain text
// stays the answer for everything else. Pure string building: no assets, no script.

const STATUS_TEXT: Record<number, string> = {
  404: "Not Found",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  502: "Bad Gateway",
  504: "Gateway Timeout",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether an Accept header asks for HTML (a browser navigating). */
export function acceptsHtml(accept: string | undefined | null): boolean {
  return accept !== undefined && accept !== null && accept.includes("text/html");
}

/** A complete page: the status as title, then each paragraph (text, escaped here; `code` spans in backticks). */
export function failurePage(status: number, paragraphs: readonly string[]): string {
  const title = `${status} ${STATUS_TEXT[status] ?? ""}`.trim();
  const body = paragraphs.map((p) => `<p>${escapeHtml(p).replace(/`([^`]*)`/g, "<code>$1</code>")}</p>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex">
<title>${escapeHtml(title)} - Linkup</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}code{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px;white-space:pre-wrap}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
