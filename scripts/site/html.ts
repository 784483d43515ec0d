/**
 * The one place the site turns text into HTML. Pages are built with the `html` template tag: every
 * interpolated value is escaped unless it is already `Html` (made here, by the tag itself or by a helper
 * that escapes). So a description, narrative or code from the sources can only ever reach a page as
 * text; markup is produced by this module's callers, never by the content.
 */

/** A fragment of HTML that is safe to insert as is: made only by this module's functions. */
export class Html {
  private constructor(readonly text: string) {}

  /** For this module and the sanitisers (markdown, narrative) whose output is safe by construction. */
  static trusted(text: string): Html {
    return new Html(text);
  }

  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: text (escaped), a fragment, nothing, or a list of these. */
export type HtmlValue = string | number | Html | undefined | null | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text escaped for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The template tag: literal parts are markup, interpolations are escaped (or inserted when `Html`). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string);
  return Html.trusted(out);
}

/** Fragments joined with a separator (itself escaped text unless `Html`). */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  const sep = render(separator);
  return Html.trusted(parts.map(render).filter((p) => p !== '').join(sep));
}

/** An attribute value safe for an `id` (and for the `#fragment` that points at it): no whitespace. */
export function anchorId(text: string): string {
  return text.replace(/[^A-Za-z0-9._:-]/g, '_');
}

/** True for the hrefs the site writes: relative paths and fragments, http(s) and mailto URLs (never `javascript:`). */
export function isSafeHref(href: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.replace(/[\s\p{Cc}]/gu, ''));
  return !scheme || ['http', 'https', 'mailto'].includes((scheme[1] as string).toLowerCase());
}

/** A link; `href` is escaped like any attribute, and one with another scheme is shown as text. External links carry no referrer. */
export function link(href: string, text: HtmlValue, title?: string): Html {
  if (!isSafeHref(href)) return html`<span>${text}</span>`;
  const external = /^[a-z][a-z0-9+.-]*:/i.test(href);
  return html`<a href="${href}"${title ? html` title="${title}"` : ''}${external ? html` rel="noopener noreferrer" class="external"` : ''}>${text}</a>`;
}

/** Pretty-printed source text (JSON, XML) in a labelled, scrollable block. */
export function codeBlock(text: string, language: string, label: string): Html {
  return html`<pre class="source" tabindex="0" aria-label="${label}"><code class="language-${language}">${text}</code></pre>`;
}
