export { catalogFileSchema, catalogToolSchema, guardsSchema, type CatalogFile, type CatalogTool, type ToolGuards } from './catalog-schema.js';
export { DEFAULT_CATALOG_DIRECTORY, loadCatalog, resolveToolId, type ToolCatalog } from './load-catalog.js';
