// `license` (x-clem-kind "license"): an object with a string `name` and a string `url`. clemcore never reads it;
// a missing part is a warning, an empty or non-web URL a hint (the 3.3 registry has six empty URLs).
import { stringValue } from '../jsonText';
import type { ValueCheck } from './valueKinds';

export const checkLicense: ValueCheck = (ctx, node, path) => {
  const key = String(path[path.length - 1] ?? 'license');

  if (node.type === 'string') {
    const name = stringValue(ctx.text, node);
    ctx.report('license-format', node, path, `\`${key}\` must be an object with \`name\` and \`url\`, not a string. Write {"name": ${JSON.stringify(name)}, "url": "<link to the license text>"}.`, {
      data: { replacement: `{"name": ${JSON.stringify(name)}, "url": ""}` },
    });
    return;
  }
  if (node.type !== 'object') return; // other types: the type rule
  const license = ctx.valueAt(path);
  if (!license || typeof license !== 'object' || Array.isArray(license)) return;

  const missing: { key: string; parentPath: (string | number)[]; type: string }[] = [];
  for (const part of ['name', 'url']) if (!(part in (license as object))) missing.push({ key: part, parentPath: path, type: 'string' });
  if (missing.length) {
    const names = missing.map((m) => `\`${m.key}\``).join(' and ');
    const what = missing.length === 2 ? 'the license name and a link to its text' : missing[0].key === 'name' ? "the license's name" : 'a link to the license text';
    ctx.report('license-format', ctx.keyNode(path) ?? node, path, `\`${key}\` has no ${names}. Add ${what}, e.g. {"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}.`, {
      data: { missingKeys: missing },
    });
  }

  const { name, url } = license as Record<string, unknown>;
  if (typeof name === 'string' && name.trim() === '') {
    const nameNode = ctx.lazyNode([...path, 'name'], name);
    ctx.report('license-format', nameNode, [...path, 'name'], `\`${key}.name\` is empty. Write the license's name, e.g. "Apache 2.0" or "Llama 3.3 Community License".`);
  }

  if (typeof url === 'string') {
    const trimmed = url.trim();
    if (trimmed !== '' && /^https?:\/\/[^\s/]+\.[^\s]*$/i.test(trimmed)) return; // a web address: fine
    const urlNode = ctx.lazyNode([...path, 'url'], url);
    const urlPath = [...path, 'url'];
    if (trimmed === '') {
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
