package io.visiona.tunnel.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

  @TempDir Path dir;

  private static DeviceIdentity identity(String credential) {
    return new DeviceIdentity(
        "d-1",
        credential,
        URI.create("wss://proxy.example/v1/tunnel"),
        Instant.parse("2027-11-30T00:00:00Z"));
  }

  @Test
  void savesOwnerOnlyAndLoadsBack() throws Exception {
    CredentialStore store = new CredentialStore(dir.resolve("state/credential"));
    assertThat(store.load()).isEmpty();
    store.save(identity("vdc_secret_1"));
    assertThat(store.load()).contains(identity("vdc_secret_1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void replacesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
    CredentialStore store = new CredentialStore(dir.resolve("credential"));
    store.save(identity("vdc_first"));
    store.save(identity("vdc_second"));
    assertThat(store.load().orElseThrow().credential()).isEqualTo("vdc_second");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("credential");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void theIdentityNeverPrintsItsCredential() {
    assertThat(identity("vdc_top_secret").toString()).doesNotContain("top_secret");
  }
}
