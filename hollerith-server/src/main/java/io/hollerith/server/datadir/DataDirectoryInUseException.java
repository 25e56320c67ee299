package io.hollerith.server.datadir;

import java.io.IOException;
import java.nio.file.Path;

/** Another server (named by its process id) holds the data directory's lock. */
public final class DataDirectoryInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  DataDirectoryInUseException(Path dir, String ownerPid) {
    super(
        "data directory "
            + dir
            + " is in use by another Hollerith server (pid "
            + ownerPid
            + "); stop that server or set another data_dir");
  }
}
