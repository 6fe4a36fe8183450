/**
 * Field metadata from a kind's zod schema: the label (`title`), unit and help (`description`)
 * written once in the schema's `.meta`, looked up by dotted path through every union variant.
 */
import { z, type ZodType } from 'zod';
import type { FieldMeta } from './kind';

type Node = { title?: string; description?: string; unit?: string; const?: unknown; properties?: Record<string, Node>; anyOf?: Node[]; oneOf?: Node[]; allOf?: Node[]; $ref?: string };

function deref(n: Node, root: Node & { $defs?: Record<string, Node> }): Node {
  let cur = n;
  for (let i = 0; i < 20 && cur.$ref; i++) {
    const name = cur.$ref.replace(/^#\/\$defs\//, '');
    const next = root.$defs?.[name];
    if (!next) break;
    cur = { ...next, ...cur, $ref: undefined };
  }
  return cur;
}

/**
 * The schema node (with meta) at a dotted path, or null when no variant has it. A literal that
 * picks a union variant (`algorithm.name`, `noiseSchedule.kind`) carries the *variant's* title
 * ("L-S", "None"), not the field's: it gets the title and help of the object it belongs to.
 */
function nodeAt(root: Node, path: string): Node | null {
  let nodes: Node[] = [root];
  let parent: Node | null = null;
  for (const seg of path.split('.')) {
    parent = nodes.find((n) => n.title) ?? nodes[0] ?? null;
    const next: Node[] = [];
    const visit = (n: Node): void => {
      const s = deref(n, root);
      for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) visit(alt);
      const p = s.properties?.[seg];
      if (p) next.push(deref(p, root));
    };
    nodes.forEach(visit);
    if (next.length === 0) return null;
    nodes = next;
  }
  const leaf = nodes.find((n) => n.title) ?? nodes[0] ?? null;
  if (leaf && leaf.const !== undefined && parent?.title) return { ...leaf, title: parent.title, description: parent.description ?? leaf.description };
  return leaf;
}

export interface FieldPick {
  readonly path: string;
  readonly hyperparameter?: boolean;
  readonly condition?: boolean;
}

/** FieldMeta for each picked path, labelled from the schema; throws on a path the schema lacks (a typo). */
export function fieldsFromSchema(schema: ZodType, picks: readonly FieldPick[]): FieldMeta[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node;
  return picks.map((p) => {
    const n = nodeAt(root, p.path);
    if (!n) throw new Error(`fieldsFromSchema: no field "${p.path}" in the schema`);
    return {
      path: p.path,
      label: n.title ?? p.path.split('.').pop() ?? p.path,
      ...(n.unit ? { unit: n.unit } : {}),
      ...(n.description ? { help: n.description } : {}),
      hyperparameter: p.hyperparameter ?? false,
      condition: p.condition ?? false,
    };
  });
}
