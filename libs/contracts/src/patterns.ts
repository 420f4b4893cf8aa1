// Every message pattern in the system. Versioned names; never a string literal at a call site.
export enum MessagePattern {
  HealthPing = 'health.ping.v1',

  AuthSignup = 'auth.signup.v1',
  AuthLogin = 'auth.login.v1',
  AuthRefresh = 'auth.refresh.v1',
  AuthLogout = 'auth.logout.v1',
  AuthMe = 'auth.me.v1',
  AuthRevocationsList = 'auth.revocations.list.v1',
}

// Broadcast events (fanout exchanges, one queue per subscriber instance).
export enum BroadcastEvent {
  SessionRevoked = 'auth.session.revoked.v1',
}
