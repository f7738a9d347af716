/**
 * The four-eyes rule: nobody approves a change they wrote. A commit is the
 * user's when its author email equals the user's email, or its author name
 * equals the user's login (both compared case-insensitively).
 */
export interface Author {
  authorName: string;
  authorEmail: string;
}

export function authored(user: { login: string; email: string }, commit: Author): boolean {
  const email = user.email.trim().toLowerCase();
  if (email !== '' && commit.authorEmail.trim().toLowerCase() === email) return true;
  return commit.authorName.trim().toLowerCase() === user.login.toLowerCase();
}

/** The commits of the change the user authored. */
export function authoredCommits<C extends Author>(user: { login: string; email: string }, commits: readonly C[]): C[] {
  return commits.filter((commit) => authored(user, commit));
}
