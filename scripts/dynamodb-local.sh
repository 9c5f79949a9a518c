#!/usr/bin/env bash
# Fetches DynamoDB Local (com.amazonaws:DynamoDBLocal, Maven Central) with its
# dependencies and the sqlite4java native library for linux-x64 into a cache
# directory, for core/test/dynamodb-local.metadata-store.test.ts. Idempotent and
# quiet: it does nothing when the cache already holds this version.
#
#   MERIDIAN_DYNAMODB_LOCAL_DIR   cache directory
#                                 (default ${XDG_CACHE_HOME:-$HOME/.cache}/meridian/dynamodb-local)
#
# Layout it leaves (what the test expects):
#   DynamoDBLocal.jar                                 the server
#   DynamoDBLocal_lib/*.jar                           its dependencies
#   DynamoDBLocal_lib/libsqlite4java-linux-amd64.so   the native library, named as sqlite4java looks for it
#   launcher/LoopbackServerRunner.class               starts the server bound to one address (below)
#   VERSION                                           what was fetched and built
#
# The jar's manifest Class-Path names the jars of AWS's zip download, not Maven's,
# so it is started with an explicit class path rather than `java -jar`. DynamoDB
# Local has no option to choose the interface it listens on (it binds every one),
# so a small launcher builds the server with DynamoDB Local's own argument parser
# and binds its Jetty connector to 127.0.0.1 (system property meridian.host) before
# starting it. The launcher also exits when its standard input closes, so a test
# runner that dies does not leave a server behind:
#   java -Djava.library.path=DIR/DynamoDBLocal_lib \
#     -cp 'DIR/launcher:DIR/DynamoDBLocal.jar:DIR/DynamoDBLocal_lib/*' \
#     LoopbackServerRunner -inMemory -disableTelemetry -port N
# Needs a Java 17+ JDK (javac builds the launcher) and Maven 3.
set -euo pipefail
# shellcheck source=lib/maven-fetch.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/maven-fetch.sh"

version=2.6.1
sqlite4java=1.0.392
stamp="$version+launcher.1"
dir="${MERIDIAN_DYNAMODB_LOCAL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/meridian/dynamodb-local}"

if [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$stamp" ] && [ -f "$dir/DynamoDBLocal.jar" ] \
  && [ -f "$dir/launcher/LoopbackServerRunner.class" ] \
  && [ -f "$dir/DynamoDBLocal_lib/libsqlite4java-linux-amd64.so" ]; then
  exit 0
fi

for tool in java javac mvn; do
  if ! command -v "$tool" >/dev/null; then
    echo "dynamodb-local: $tool is not installed (fetching and running DynamoDB Local needs a Java 17+ JDK and Maven 3)" >&2
    exit 1
  fi
done

maven_workdir "$dir"
work="$maven_work"
# Versions stripped from the file names, so the native library is
# libsqlite4java-linux-amd64.so as sqlite4java expects; other platforms' left out.
maven_copy_dependencies dynamodb-local "$work" "$work/out/DynamoDBLocal_lib" \
  "com.amazonaws:DynamoDBLocal:$version com.almworks.sqlite4java:libsqlite4java-linux-amd64:$sqlite4java:so" \
  -Dmdep.stripVersion=true \
  -DexcludeArtifactIds=libsqlite4java-linux-i386,sqlite4java-win32-x64,sqlite4java-win32-x86,libsqlite4java-osx

mv "$work/out/DynamoDBLocal_lib/DynamoDBLocal.jar" "$work/out/DynamoDBLocal.jar"
if [ ! -f "$work/out/DynamoDBLocal_lib/libsqlite4java-linux-amd64.so" ]; then
  echo "dynamodb-local: the sqlite4java native library for linux-x64 was not fetched" >&2
  exit 1
fi

cat >"$work/LoopbackServerRunner.java" <<'JAVA'
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Server;

/** DynamoDB Local's ServerRunner, listening on one address (meridian.host, default 127.0.0.1). */
public final class LoopbackServerRunner {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("meridian.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) return; // -help, -version
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (!(connector instanceof AbstractNetworkConnector)) throw new IllegalStateException("unexpected connector " + connector);
      ((AbstractNetworkConnector) connector).setHost(host);
    }
    Thread stdinWatcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { /* drain */ }
      } catch (Exception ignored) {
        // closed either way
      }
      System.exit(0);
    });
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
    proxy.join();
  }
}
JAVA
mkdir -p "$work/out/launcher"
javac -nowarn -d "$work/out/launcher" -cp "$work/out/DynamoDBLocal.jar:$work/out/DynamoDBLocal_lib/*" "$work/LoopbackServerRunner.java"

maven_install_build "$work/out" "$dir" "$stamp"
