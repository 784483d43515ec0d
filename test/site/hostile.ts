/** A package whose every text field carries markup and script, for the injection tests (unit and browser). */
import { Diagnostics } from '../../scripts/diagnostics/diagnostics.js';
import type { OutputFile } from '../../scripts/emit/output.js';
import type { Resource } from '../../scripts/model/fhir.js';
import type { SitePackage } from '../../scripts/site/input.js';
import { siteContextOver } from '../../scripts/site/prepare.js';
import { generateSite } from '../../scripts/site/site.js';
import { coreIndex } from '../helpers/shared.js';

export const evil = `<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>`;
const pkg: SitePackage = {
  manifest: { name: 'evil.pkg', version: '1.0.0', title: evil, description: evil, canonical: 'https://evil.example/fhir', dependencies: { [evil]: evil } },
  resources: [
    {
      resourceType: 'StructureDefinition',
      id: 'Evil-1',
      url: 'https://evil.example/fhir/StructureDefinition/Evil-1',
      name: evil,
      title: evil,
      status: 'draft',
      description: evil,
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p onmouseover="alert(4)">hi</p>${'<script>alert(5)</script>'}<a href="javascript:alert(6)">a</a></div>` },
      differential: {
        element: [
          { id: 'Patient', path: 'Patient', short: evil, constraint: [{ key: 'e-1', severity: 'error', human: evil, expression: evil }] },
          { id: 'Patient.gender', path: 'Patient.gender', binding: { strength: 'required', valueSetReference: { reference: 'javascript:alert(7)' } }, fixedCode: evil },
          { id: 'Patient.link.other', path: 'Patient.link.other', type: [{ code: 'Reference', targetProfile: 'javascript:alert(8)' }] },
        ],
      },
    },
    { resourceType: 'CodeSystem', id: 'Evil-2', url: 'https://evil.example/fhir/CodeSystem/Evil-2', name: evil, status: 'draft', content: 'complete', concept: [{ code: evil, display: evil, definition: evil }] },
    { resourceType: 'ValueSet', id: 'Evil-3', url: 'https://evil.example/fhir/ValueSet/Evil-3', name: evil, status: 'draft', compose: { include: [{ system: 'https://evil.example/fhir/CodeSystem/Evil-2' }] } },
  ] as Resource[],
  examples: [{ resourceType: 'Patient', id: 'evil', meta: { profile: ['javascript:alert(9)'] }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(10)"/></div>' } }],
};
const qa = { diagnostics: [{ severity: 'warning' as const, code: evil, message: evil, file: evil, path: evil }], suppressed: [{ severity: 'warning' as const, code: 'x', message: evil, reason: evil }] };
const changes = {
  notes: { release: evil, ticketUrl: 'javascript:alert(11)//', areas: [evil], changes: [{ title: evil, tickets: [1], area: evil, affects: [evil], impacts: evil, description: [evil], resources: [evil], pages: [evil] }] },
};

/** The site of the hostile package. */
export function hostileSite(): OutputFile[] {
  return generateSite({ package: pkg, qa, changes }, siteContextOver(pkg, coreIndex(), () => undefined, new Diagnostics()));
}
