-- Product names and descriptions in German (SPEC §2.5: the shop answers in de_DE and en_US).
-- `name` and `description` hold en_US; products written before this migration keep their
-- English text in German until someone translates it.
ALTER TABLE products ADD COLUMN name_de TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN description_de TEXT;
UPDATE products SET name_de = name, description_de = description;
