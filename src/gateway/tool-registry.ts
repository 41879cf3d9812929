import type { CatalogTool, ToolCatalog } from '../connectors/catalog/index.js';
import { resolveToolId } from '../connectors/catalog/index.js';
import type { ConnectorInstance, ConnectorModule } from '../connectors/connector.js';
import { CONNECTOR_MODULES, connectorDependencies } from '../connectors/registry.js';
import type { AnyTool, ConnectorId, ToolScope } from '../connectors/tool.js';
import { systemClock } from '../core/clock.js';
import { InputError, type InputProblem } from '../core/errors/index.js';
import { argumentPathProblem } from './allow-lists.js';
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
    const problems: InputProblem[] = [];
    for (const module of modules) {
      const instance = module.create(config, connectorDependencies(module, catalog, { clock: systemClock }));
      for (const definition of instance.tools) {
        const entry = catalog.tools.get(definition.id);
        if (entry === undefined) continue;
        // An allow-list on an argument the tool does not have would never refuse anything: refuse the catalog instead.
        for (const path of Object.keys(entry.guards.allow_if_arg_in ?? {})) {
          const problem = argumentPathProblem(definition.input, path);
          if (problem !== undefined) problems.push({ file: catalog.connectors.get(entry.connector)?.file ?? 'tools/', path: `${definition.id}.guards.allow_if_arg_in`, message: problem });
        }
        this.#tools.set(definition.id, { id: definition.id, connector: module.id, scope: definition.scope, catalog: entry, definition, module });
      }
    }
    if (problems.length > 0) throw new InputError(problems, { code: 'catalog_invalid' });
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
