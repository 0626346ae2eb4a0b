/** Roles, from least to most: viewer reads, planner writes analyses and city data, admin manages people and settings. */
export const ROLES = ['viewer', 'planner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` includes everything `required` may do. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The signed-in person as the server sees them (never with a password hash). */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The one city this account may write; null = every city. */
  dataset: string | null;
}
