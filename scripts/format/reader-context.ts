/** What the resource readers (XML, JSON) need besides the text: where to report, where to record locations, the element model. */
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { SourceMap } from '../diagnostics/source-map.js';
import type { ElementModel } from '../resolve/element-model.js';

export interface ReaderContext {
  /** The FHIR structure the XML reader converts by (the JSON reader does not need it). */
  model: ElementModel;
  diagnostics: Diagnostics;
  /** Receives a `{file, line, column, path}` for every resource and object node a reader builds. */
  sources: SourceMap;
}
