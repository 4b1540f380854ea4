import { ApiError, formErrors } from './errors';

function problem(errors?: { field: string; message: string }[]) {
  return new ApiError(422, { status: 422, title: 'Invalid input', ...(errors ? { errors } : {}) });
}

describe('formErrors', () => {
  it('puts a field error beside the field named by its path', () => {
    const err = problem([
      { field: 'tags[1]', message: 'bad tag' },
      { field: 'comment', message: 'too long' },
    ]);
    expect(formErrors(err, ['comment', 'tags'], 'failed')).toEqual({ tags: 'bad tag', comment: 'too long' });
  });

  it('joins the errors of fields the form does not show into the form message', () => {
    const err = problem([
      { field: 'display_name', message: 'too long' },
      { field: 'bio', message: 'too long too' },
    ]);
    expect(formErrors(err, [], 'failed')).toEqual({ form: 'too long too long too' });
  });

  it('falls back to the problem message, or to the fallback for other errors', () => {
    expect(formErrors(problem(), ['url'], 'failed')).toEqual({ form: 'Invalid input' });
    expect(formErrors(new TypeError('offline'), ['url'], 'failed')).toEqual({ form: 'failed' });
  });
});
