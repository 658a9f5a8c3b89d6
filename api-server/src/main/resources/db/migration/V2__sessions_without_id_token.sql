-- Logout names the client (client_id) instead of sending the ID token as id_token_hint, so the
-- sealed ID token kept for that hint is no longer needed: no provider token is stored any more.
ALTER TABLE sessions DROP COLUMN id_token_sealed;
