import type { CatalogTool, ToolCatalog } from '../connectors/catalog/index.js';
import { resolveToolId } from '../connectors/catalog/index.js';
import type { ConnectorInstance, ConnectorModule } from '../connectors/connector.js';
import { CONNECTOR_MODULES, connectorDependencies } from '../connectors/registry.js';
import type { AnyTool, ConnectorId, ToolScope } from '../connectors/tool.js';
import { systemClock } from '../core/clock.js';
import { placeholderConfig } from './placeholder-config.js';

/** A tool as the gateway knows it: its definition (schema, scope) and its catalog entry. */
export interface RegisteredTool {
  id: string;
  connector: ConnectorId;
  scope: ToolScope;
  catalog: CatalogTool & { connector: string };
  /** The definition (input schema, description, subjects); its handler may belong to a placeholder. */
  definition: AnyTool;
  module: ConnectorModule;
}

/**
 * Every tool DefenseClaw has, by id and alias. Built from the connector modules and the catalog;
 * a tool without a catalog entry (or the reverse) is a build error, caught by the catalog test.
 */
export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();

  constructor(
    readonly catalog: ToolCatalog,
    modules: readonly ConnectorModule[] = CONNECTOR_MODULES,
  ) {
    const config = placeholderConfig();
    for (const module of modules) {
      const instance = module.create(config, connectorDependencies(module, catalog, { clock: systemClock }));
      for (const definition of instance.tools) {
        const entry = catalog.tools.get(definition.id);
        if (entry === undefined) continue;
        this.#tools.set(definition.id, { id: definition.id, connector: module.id, scope: definition.scope, catalog: entry, definition, module });
      }
    }
  }

  /** The tool for an id or an alias (`cisco.xdr.events`), or undefined. */
  resolve(name: string): RegisteredTool | undefined {
    const id = resolveToolId(this.catalog, name) ?? name;
    return this.#tools.get(id);
  }

  list(): RegisteredTool[] {
    return [...this.#tools.values()];
  }

  /** The live handler of a tool, from the connector instance built for the real config. */
  static liveTool(instance: ConnectorInstance, id: string): AnyTool | undefined {
    return instance.tools.find((tool) => tool.id === id);
  }
}
