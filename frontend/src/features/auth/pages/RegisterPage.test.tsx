import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { problem } from '@/test/fixtures';

const mode = (m: 'open' | 'closed' | 'invite') =>
  http.get('*/api/v1/auth/registration', () => HttpResponse.json({ mode: m }));

describe('sign-up', () => {
  it('asks for no invite code when sign-up is open', async () => {
    renderApp('/register');
    expect(await screen.findByLabelText('Username')).toBeInTheDocument();
    expect(screen.queryByLabelText('Invite code')).not.toBeInTheDocument();
  });

  it('says so when sign-up is closed', async () => {
    server.use(mode('closed'));
    renderApp('/register');
    const heading = await screen.findByRole('heading', { name: 'Sign-up is closed' });
    expect(screen.queryByLabelText('Username')).not.toBeInTheDocument();
    const card = heading.closest('section');
    expect(card).not.toBeNull();
    expect(within(card as HTMLElement).getByRole('link', { name: 'Log in' })).toBeInTheDocument();
  });

  it('sends the invite code from the link and shows why one is refused', async () => {
    let sent: unknown = null;
    server.use(
      mode('invite'),
      http.post('*/api/v1/auth/register', async ({ request }) => {
        sent = await request.json();
        return problem(400, 'invalid fields: invite_code', [
          { field: 'invite_code', message: 'this invite code has been used up' },
        ]);
      }),
    );
    renderApp('/register?invite=inv_abc');
    const code = await screen.findByLabelText('Invite code');
    expect(code).toHaveValue('inv_abc');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByText('this invite code has been used up')).toBeInTheDocument();
    expect(sent).toEqual({ username: 'alice', password: 'correct horse battery', invite_code: 'inv_abc' });
  });
});
