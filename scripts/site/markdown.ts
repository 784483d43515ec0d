/**
 * FHIR `markdown` (descriptions, definitions, comments, purposes) as HTML, through markdown-it with raw
 * HTML off: markup in the text is shown as text, never interpreted. Images are off too (a page must not
 * fetch anything when viewed). Link targets: markdown-it refuses `javascript:`-like ones, and the site's
 * own href rule checks again; a relative target that is not a page of this site is a link into the STU3
 * specification (definitions copied from the core carry such links), and a bare `#fragment`, which
 * would point into a page of some other document, is kept as text.
 */
import MarkdownIt from 'markdown-it';
import { Html, isSafeHref } from './html.js';

const SPEC = 'http://hl7.org/fhir/STU3/';

interface Env {
  pages: ReadonlySet<string>;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });
md.disable(['image']);
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => defaultValidate(url) && isSafeHref(url) && !url.startsWith('#');

const renderToken = md.renderer.renderToken.bind(md.renderer);
md.renderer.rules.link_open = (tokens, idx, options, env: Env) => {
  const token = tokens[idx];
  const href = token?.attrGet('href');
  if (token && href !== null && href !== undefined) {
    const external = /^[a-z][a-z0-9+.-]*:/i.test(href);
    const page = href.split('#')[0] ?? '';
    if (!external && !env.pages.has(page)) token.attrSet('href', SPEC + href.replace(/^\.?\//, ''));
    if (external || !env.pages.has(page)) token.attrSet('rel', 'noopener noreferrer');
  }
  return renderToken(tokens, idx, options);
};

/** A markdown text as block HTML (paragraphs, lists, links); `pages` are the site's page file names. */
export function markdown(text: string | undefined, pages: ReadonlySet<string>): Html {
  const env: Env = { pages };
  return Html.trusted(text ? md.render(text, env) : '');
}
