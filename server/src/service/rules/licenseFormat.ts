// `license` (x-clem-kind "license"): an object with a string `name` and a string `url`. clemcore never reads it;
// a missing part is a warning, an empty or non-web URL a hint (the 3.3 registry has six empty URLs).
import { decodeStringNode, propertyNode, type Node } from '../jsonText';
import type { ValueCheck } from './valueKinds';

/** The key node of the property whose value is `node`, when there is one (for tight ranges on whole objects). */
function keyNodeOf(node: Node): Node | undefined {
  const pair = node.parent;
  return pair?.type === 'property' ? pair.children?.[0] : undefined;
}

export const checkLicense: ValueCheck = (ctx, node, path) => {
  const key = String(path[path.length - 1] ?? 'license');

  if (node.type === 'string') {
    const name = decodeStringNode(ctx.text, node).value;
    ctx.report('license-format', node, path, `\`${key}\` must be an object with \`name\` and \`url\`, not a string. Write {"name": ${JSON.stringify(name)}, "url": "<link to the license text>"}.`, {
      data: { replacement: `{"name": ${JSON.stringify(name)}, "url": ""}` },
    });
    return;
  }
  if (node.type !== 'object') return; // other types: the type rule

  const missing: { key: string; parentPath: (string | number)[]; type: string }[] = [];
  for (const part of ['name', 'url']) if (!propertyNode(node, part)) missing.push({ key: part, parentPath: path, type: 'string' });
  if (missing.length) {
    const names = missing.map((m) => `\`${m.key}\``).join(' and ');
    const what = missing.length === 2 ? 'the license name and a link to its text' : missing[0].key === 'name' ? "the license's name" : 'a link to the license text';
    ctx.report('license-format', keyNodeOf(node) ?? node, path, `\`${key}\` has no ${names}. Add ${what}, e.g. {"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}.`, {
      data: { missingKeys: missing },
    });
  }

  const nameNode = propertyNode(node, 'name');
  if (nameNode?.type === 'string' && decodeStringNode(ctx.text, nameNode).value.trim() === '') {
    ctx.report('license-format', nameNode, [...path, 'name'], `\`${key}.name\` is empty. Write the license's name, e.g. "Apache 2.0" or "Llama 3.3 Community License".`);
  }

  const urlNode = propertyNode(node, 'url');
  if (urlNode?.type === 'string') {
    const url = decodeStringNode(ctx.text, urlNode).value;
    const urlPath = [...path, 'url'];
    if (url.trim() === '') {
      ctx.report('license-format', urlNode, urlPath, `\`${key}.url\` is empty. clemcore does not mind, but readers of the results cannot look the license up; add a link to the license text.`, { severity: 'hint' });
    } else if (!/^https?:\/\/[^\s/]+\.[^\s]*$/i.test(url.trim())) {
      const bare = /^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(url.trim());
      ctx.report('license-format', urlNode, urlPath, `\`${key}.url\` ${JSON.stringify(url)} is not an http(s) link. ${bare ? `Write "https://${url.trim()}".` : 'Give the web address of the license text, starting with https://.'}`, {
        severity: 'hint',
        data: bare ? { replacement: JSON.stringify(`https://${url.trim()}`) } : undefined,
      });
    }
  }
};
