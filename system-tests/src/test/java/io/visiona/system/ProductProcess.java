package io.visiona.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the product (a server, the development provider, the demo box) on this machine's
 * JDK, its standard output and error together in a log file kept for diagnosis.
 */
final class ProductProcess implements AutoCloseable {

  /** How long a process gets to end after SIGTERM before it is killed. */
  private static final long STOP_SECONDS = 15;

  final String name;
  final Path log;
  private final Process process;

  private ProductProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code java <javaArgs>} in {@code workDir} with {@code env} on top of this process's
   * environment, less any {@code VISIONA_*} or {@code DEMO_BOX_*} setting that would change it.
   */
  static ProductProcess startJava(
      String name, Path workDir, List<String> javaArgs, Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("VISIONA_") || k.startsWith("DEMO_BOX_"));
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      return new ProductProcess(name, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The output so far. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, without waiting. */
  void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM (the servers drain), then SIGKILL if it has not ended in time. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
