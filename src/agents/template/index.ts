export { TemplateSyntaxError } from './template-syntax-error.js';
export { hasTemplate, parseTemplate, type TemplatePart } from './parse-template.js';
export { renderParams, renderValue } from './render-params.js';
export { scanTemplates, templateReferences, type TemplateProblem, type TemplateReference } from './template-references.js';
