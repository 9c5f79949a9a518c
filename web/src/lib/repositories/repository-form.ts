// The repository form (create and edit) as the management API's JSON body. The API
// checks every field and says what is wrong; this only turns form text into
// JSON (tags are typed as one line).
import { field } from '#lib/form-data.ts';

export interface RepositoryFormValues {
  title: string;
  description: string;
  tags: string;
  license: string;
  visibility: string;
  state: string;
}

export function repositoryFormValues(form: FormData): RepositoryFormValues {
  return {
    title: field(form, 'title'),
    description: typeof form.get('description') === 'string' ? String(form.get('description')).replace(/\r\n/g, '\n') : '',
    tags: field(form, 'tags'),
    license: field(form, 'license'),
    visibility: field(form, 'visibility') || 'public',
    state: field(form, 'state') || 'draft',
  };
}

export const splitTags = (text: string) => text.split(/[\s,]+/).map((t) => t.trim().toLowerCase()).filter(Boolean);

/** The fields every repository body carries; `license: null` removes one on edit. */
export function repositoryBody(values: RepositoryFormValues, editing: boolean) {
  return {
    title: values.title,
    description: values.description,
    tags: splitTags(values.tags),
    ...(values.license ? { license: values.license } : editing ? { license: null } : {}),
    visibility: values.visibility,
    state: values.state,
  };
}

/** Licences people pick most; any SPDX id is accepted. */
export const COMMON_LICENSES = ['CC-BY-4.0', 'CC0-1.0', 'CC-BY-SA-4.0', 'ODbL-1.0', 'PDDL-1.0', 'MIT', 'Apache-2.0', 'proprietary'];
