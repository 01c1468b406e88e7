package org.omserver.catalog.file;

import java.util.List;
import java.util.Optional;

/** The file store's metadata (table oms_file); the content is on the master's disk. */
public interface FileRepository
{
    /** Adds the file, or replaces the row of a file of the same name. */
    void put(StoredFile file);

    Optional<StoredFile> find(String name);

    /** Every file, by name. */
    List<StoredFile> list();

    /** False when there was no such file. */
    boolean remove(String name);
}
