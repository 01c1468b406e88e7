package org.omserver.catalog.internal;

import java.util.List;
import java.util.Optional;

import org.omserver.catalog.file.FileRepository;
import org.omserver.catalog.file.StoredFile;
import org.omserver.catalog.internal.FileMapper.FileRow;

import static java.util.Objects.requireNonNull;

public final class DbFileRepository
        implements FileRepository
{
    private final Db db;

    DbFileRepository(Db db)
    {
        this.db = db;
    }

    @Override
    public void put(StoredFile file)
    {
        requireNonNull(file, "file is null");
        FileRow row = new FileRow();
        row.name = file.name();
        row.sizeBytes = file.size();
        row.md5 = file.md5();
        row.sha256 = file.sha256();
        row.uploadedBy = Db.cap(file.uploadedBy(), 64);
        row.uploadedAt = Db.utc(file.uploadedAt());
        row.hashedAt = Db.utc(file.hashedAt());
        db.transaction(FileMapper.class, mapper -> {
            if (mapper.update(row) == 0) {
                mapper.insert(row);
            }
            return null;
        });
    }

    @Override
    public Optional<StoredFile> find(String name)
    {
        return Optional.ofNullable(db.call(FileMapper.class, mapper -> mapper.find(name))).filter(row -> row.name.equals(name)).map(DbFileRepository::file);
    }

    @Override
    public List<StoredFile> list()
    {
        return db.call(FileMapper.class, FileMapper::list).stream().map(DbFileRepository::file).toList();
    }

    @Override
    public boolean remove(String name)
    {
        return db.call(FileMapper.class, mapper -> mapper.delete(name)) == 1;
    }

    private static StoredFile file(FileRow row)
    {
        return new StoredFile(row.name, row.sizeBytes, row.md5, row.sha256, row.uploadedBy, Db.instant(row.uploadedAt), Db.instant(row.hashedAt));
    }
}
