/** Just enough HTML reading for the emulator's own pages: the first form, its inputs, the error text. */

/** A form found in a page. */
export interface HtmlForm {
  /** The `action` attribute as written (may be relative or empty). */
  action: string;
  /** Upper-case method, `GET` when absent. */
  method: string;
  /** Named inputs with their default values, in document order. */
  inputs: { name: string; type: string; value: string }[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the HTML character references the emulator's pages use. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Parses the attributes of one start tag. */
function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  const pattern = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const match of tag.matchAll(pattern)) {
    const name = match[1];
    if (name) result[name.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return result;
}

/** The first `<form>` of a page, or undefined. */
export function parseForm(html: string): HtmlForm | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attrs = attributes(form[1] ?? '');
  const inputs: HtmlForm['inputs'] = [];
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const a = attributes(input[1] ?? '');
    const type = (a['type'] ?? 'text').toLowerCase();
    if (!a['name'] || ['submit', 'button', 'reset', 'image'].includes(type)) continue;
    if ((type === 'checkbox' || type === 'radio') && !('checked' in a)) continue;
    inputs.push({ name: a['name'], type, value: a['value'] ?? (type === 'checkbox' ? 'on' : '') });
  }
  return { action: attrs['action'] ?? '', method: (attrs['method'] ?? 'get').toUpperCase(), inputs };
}

/** The text of the page's `role="alert"` element (the emulator's error messages), if any. */
export function alertText(html: string): string | undefined {
  const match = /<([a-z0-9]+)\b[^>]*role\s*=\s*["']?alert["']?[^>]*>([\s\S]*?)<\/\1>/i.exec(html);
  return match ? decodeEntities((match[2] ?? '').replace(/<[^>]*>/g, '')).trim() : undefined;
}
