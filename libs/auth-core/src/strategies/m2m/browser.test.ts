/**
 * @jest-environment ../../../../../tools/jest/jsdom-with-web-globals.cjs
 */
import { m2m } from '.';

describe('m2m strategy in a browser', () => {
  it('case-20: refuses at creation, saying the secret must stay on a server', () => {
    expect(() => m2m({ clientId: 'id', clientSecret: 'secret' })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'm2m_in_browser',
        message: expect.stringMatching(/server/),
      }),
    );
  });
});
