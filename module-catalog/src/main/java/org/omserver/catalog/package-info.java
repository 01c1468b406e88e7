/**
 * The master's database: schema migrations (from {@code sql/}), MyBatis mappers and the repositories for
 * the module catalog, inventory, users, jobs and audit. {@link org.omserver.catalog.Catalog} opens it.
 * Runs on MySQL 8 / MariaDB 10.11 in production and on H2 in MySQL mode for the embedded demo.
 */
package org.omserver.catalog;
