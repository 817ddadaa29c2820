/**
 * Dotfiles ship under safe names because npm drops or rewrites some of them in tarballs (.gitignore, .npmrc);
 * only these exact names are renamed, so ordinary files starting with "_" (e.g. Python's __init__.py) are left alone.
 */
export const DOTFILE_NAMES: Readonly<Record<string, string>> = {
  _gitignore: '.gitignore',
  _gitattributes: '.gitattributes',
  _dockerignore: '.dockerignore',
  _npmrc: '.npmrc',
  _nvmrc: '.nvmrc',
  _github: '.github',
  _editorconfig: '.editorconfig',
  '_python-version': '.python-version',
};

/** The suffix that marks a file as a Handlebars template. */
export const TEMPLATE_SUFFIX = '.hbs';

/** Whether a template file's contents are rendered with Handlebars (otherwise copied byte for byte). */
export function isTemplated(relPath: string): boolean {
  return relPath.endsWith(TEMPLATE_SUFFIX);
}

/** Maps one template-relative path segment to its output name: `.hbs` removed (last segment), then dotfile rename. */
export function outputSegment(segment: string, isLast: boolean): string {
  const stripped = isLast && segment.endsWith(TEMPLATE_SUFFIX) ? segment.slice(0, -TEMPLATE_SUFFIX.length) : segment;
  return DOTFILE_NAMES[stripped] ?? stripped;
}
