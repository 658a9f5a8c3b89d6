package io.visiona.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.visiona.api.crypto.Hashes;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates an ID token from the token endpoint (OIDC Core §3.1.3.7): signature by a key from
 * {@code jwks_uri} with an allowed asymmetric algorithm (never {@code none}, never HS*), then
 * {@code iss}, {@code aud}, {@code azp}, {@code exp}, {@code iat}, {@code nbf}, {@code nonce} and
 * {@code sub}.
 */
public final class IdTokenValidator {

  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final String clientId;
  private final Set<String> allowedAlgs;
  private final Duration skew;
  private final JwksCache jwks;
  private final Clock clock;

  public IdTokenValidator(OidcSettings settings, JwksCache jwks, Clock clock) {
    this.clientId = settings.client().clientId();
    this.allowedAlgs = settings.allowedAlgs();
    this.skew = settings.clockSkew();
    this.jwks = jwks;
    this.clock = clock;
  }

  public IdTokenClaims validate(String idToken, ProviderMetadata provider, String expectedNonce) {
    if (idToken == null || idToken.isEmpty() || idToken.length() > MAX_TOKEN_LENGTH) {
      throw invalid("missing or oversized");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(idToken);
    } catch (ParseException e) {
      throw invalid("not a JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw invalid("not signed (alg none or encrypted)");
    }
    verifySignature(signed, provider);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("claims do not parse");
    }
    checkClaims(claims, provider.issuer(), expectedNonce);
    return new IdTokenClaims(
        claims.getIssuer(),
        claims.getSubject(),
        stringClaim(claims, "email"),
        firstNonNull(stringClaim(claims, "name"), stringClaim(claims, "preferred_username")));
  }

  private void verifySignature(SignedJWT jwt, ProviderMetadata provider) {
    JWSHeader header = jwt.getHeader();
    String alg = header.getAlgorithm().getName();
    if (alg.startsWith("HS")
        || !allowedAlgs.contains(alg)
        || (!provider.idTokenAlgs().isEmpty() && !provider.idTokenAlgs().contains(alg))) {
      throw invalid("algorithm " + alg + " is not allowed");
    }
    List<JWK> candidates = jwks.candidates(header.getKeyID());
    if (candidates.isEmpty()) {
      throw invalid("signed with an unknown key");
    }
    for (JWK key : candidates) {
      JWSVerifier verifier = verifier(header.getAlgorithm(), key);
      if (verifier == null) {
        continue;
      }
      try {
        if (jwt.verify(verifier)) {
          return;
        }
      } catch (JOSEException | IllegalStateException e) {
        // try the next key
      }
    }
    throw invalid("bad signature");
  }

  private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) {
    try {
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
        return null;
      }
      if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
        return new RSASSAVerifier(rsa.toRSAPublicKey());
      }
      if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec) {
        if (!com.nimbusds.jose.jwk.Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
          return null;
        }
        return new ECDSAVerifier(ec.toECPublicKey());
      }
      return null;
    } catch (JOSEException | RuntimeException e) {
      return null;
    }
  }

  private void checkClaims(JWTClaimsSet c, String issuer, String expectedNonce) {
    if (!issuer.equals(c.getIssuer())) {
      throw invalid("wrong issuer");
    }
    List<String> aud = c.getAudience();
    if (aud == null || !aud.contains(clientId)) {
      throw invalid("audience does not contain this client");
    }
    if (aud.size() > 1) {
      throw invalid("untrusted extra audiences");
    }
    String azp = stringClaim(c, "azp");
    if (azp != null && !azp.equals(clientId)) {
      throw invalid("azp is another client");
    }
    long now = clock.millis();
    long skewMs = skew.toMillis();
    Date exp = c.getExpirationTime();
    if (exp == null || now >= exp.getTime() + skewMs) {
      throw invalid(exp == null ? "no exp" : "expired");
    }
    Date iat = c.getIssueTime();
    if (iat == null || iat.getTime() > now + skewMs) {
      throw invalid(iat == null ? "no iat" : "issued in the future");
    }
    Date nbf = c.getNotBeforeTime();
    if (nbf != null && nbf.getTime() > now + skewMs) {
      throw invalid("not yet valid");
    }
    String nonce = stringClaim(c, "nonce");
    if (!Hashes.constantTimeEquals(nonce, expectedNonce)) {
      throw invalid("nonce does not match this login");
    }
    String sub = c.getSubject();
    if (sub == null || sub.isBlank() || sub.length() > 255) {
      throw invalid("no usable sub");
    }
  }

  private static String stringClaim(JWTClaimsSet c, String name) {
    try {
      return c.getStringClaim(name);
    } catch (ParseException e) {
      return null;
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  static ApiError invalid(String why) {
    return new ApiError(ErrorCode.ID_TOKEN_INVALID, "the ID token was rejected: " + why);
  }
}
