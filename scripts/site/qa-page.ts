/**
 * The QA page: what the build reported (each diagnostic with its rule id, severity, file, line and
 * FHIRPath), counts per rule, what the project suppressed and why, what the site generation itself found
 * (resources it could not write as XML), and the canonical URLs the package refers to that neither it
 * nor its dependencies define.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { OutputFile } from '../emit/output.js';
import { html, type Html } from './html.js';
import type { QaReport } from './input.js';
import { renderPage } from './layout.js';
import { QA_PAGE } from './links.js';
import { contents, type SitePages } from './sections.js';

const SEVERITY_ORDER = ['fatal', 'error', 'warning', 'information'];

export function qaPage(qa: QaReport | undefined, siteFindings: readonly Diagnostic[], unresolved: readonly string[], site: SitePages): OutputFile {
  // Errors first, then warnings, then information; the report's own order within each.
  const diagnostics = [...(qa?.diagnostics ?? [])].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const suppressed = qa?.suppressed ?? [];
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  const body = html`<h1>Quality report</h1>
${contents([['build', 'Build'], ['rules', 'By rule'], ['suppressed', 'Suppressed'], ['site', 'Site generation'], ['unresolved', 'Unresolved references']])}
<section aria-labelledby="build"><h2 id="build">Build</h2>
${
  qa
    ? html`<p>${count('fatal') + count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information message(s), ${suppressed.length} suppressed.</p>${diagnosticTable(diagnostics, 'What the build reported')}`
    : html`<p class="note">No build report was given: run <code>fhir-stu3 build</code> (it writes <code>qa.json</code> beside the package), or pass <code>--qa</code>.</p>`
}
</section>
<section aria-labelledby="rules"><h2 id="rules">By rule</h2>${ruleTable(diagnostics)}</section>
<section aria-labelledby="suppressed"><h2 id="suppressed">Suppressed</h2>${
    suppressed.length
      ? html`<table class="grid"><caption>Diagnostics the project suppressed, with its reasons</caption><thead><tr><th scope="col">Rule</th><th scope="col">Where</th><th scope="col">Message</th><th scope="col">Reason</th></tr></thead><tbody>${suppressed.map(
          (d) => html`<tr><th scope="row"><code>${d.code}</code></th><td>${where(d)}</td><td>${d.message}</td><td>${d.reason}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="note">Nothing suppressed.</p>`
  }</section>
<section aria-labelledby="site"><h2 id="site">Site generation</h2>${siteFindings.length ? diagnosticTable(siteFindings, 'What the site generation found') : html`<p class="note">Every page was generated without a problem.</p>`}</section>
<section aria-labelledby="unresolved"><h2 id="unresolved">Unresolved references</h2>${
    unresolved.length
      ? html`<p>Canonical URLs the package refers to that neither it nor its dependencies define (shown as text or as a link to the URL itself):</p><ul>${unresolved.map((u) => html`<li><code>${u}</code></li>`)}</ul>`
      : html`<p class="note">Every canonical URL the package refers to is defined by it or its dependencies.</p>`
  }</section>`;
  return renderPage({ file: QA_PAGE, title: 'Quality report', body }, site.manifest);
}

function where(d: Diagnostic): string {
  return d.file ? `${d.file}${d.line ? `:${d.line}` : ''}` : '';
}

function diagnosticTable(list: readonly Diagnostic[], caption: string): Html {
  if (list.length === 0) return html`<p class="note">Nothing reported.</p>`;
  const rows = list.map((d) => html`<tr><td class="sev-${d.severity}">${d.severity}</td><td><code>${d.code}</code></td><td>${where(d)}</td><td>${d.path ? html`<code>${d.path}</code>` : ''}</td><td>${d.message}</td></tr>`);
  return html`<table class="grid"><caption>${caption}</caption><thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">File</th><th scope="col">FHIRPath</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function ruleTable(list: readonly Diagnostic[]): Html {
  const counts = new Map<string, { severity: string; n: number }>();
  for (const d of list) {
    const key = `${d.code}|${d.severity}`;
    counts.set(key, { severity: d.severity, n: (counts.get(key)?.n ?? 0) + 1 });
  }
  if (counts.size === 0) return html`<p class="note">No rule fired.</p>`;
  const rows = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, { severity, n }]) => html`<tr><th scope="row"><code>${key.slice(0, key.indexOf('|'))}</code></th><td class="sev-${severity}">${severity}</td><td>${n}</td></tr>`);
  return html`<table class="grid"><thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Count</th></tr></thead><tbody>${rows}</tbody></table>`;
}
