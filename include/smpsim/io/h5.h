#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smpsim::h5 {

// An HDF5 identifier that closes itself: nothing leaks on an error path.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, std::string_view what);  // throws IoError on a negative id
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  hid_t id() const { return id_; }
  operator hid_t() const { return id_; }
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// C++ types to HDF5 native types.
template <class T>
hid_t native_type();
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
inline hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}

// Turns off HDF5's own error printing (failures become IoError exceptions) and its clean-up at
// exit, which crashes on a file whose close failed (a full disk): open files are closed by
// their handles, and a failed one is left to the operating system. Call before any other
// HDF5 function.
void initialise();

Handle create_file(const std::string& path);  // truncates
Handle open_file(const std::string& path, bool writable);
Handle create_group(hid_t parent, const std::string& name);
Handle open_dataset(hid_t parent, const std::string& path);
bool exists(hid_t parent, const std::string& path);

template <class T>
void write_attribute(hid_t object, const std::string& name, const T& value);
void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, const char* value);
template <class T>
T read_attribute(hid_t object, const std::string& name);
std::string read_string_attribute(hid_t object, const std::string& name);

// A compound row layout: named columns of native types (and fixed-length strings), packed.
class TableLayout {
 public:
  template <class T>
  void add(const std::string& name) {
    add_column(name, native_type<T>(), sizeof(T));
  }
  void add_string(const std::string& name, std::size_t length);

  std::size_t row_size() const { return row_size_; }
  std::size_t columns() const { return columns_.size(); }
  Handle memory_type() const;  // compound type of the packed row

  struct Column {
    std::string name;
    hid_t type;  // native type, or H5T_C_S1 for strings
    std::size_t offset;
    std::size_t size;
  };
  const std::vector<Column>& column_list() const { return columns_; }

 private:
  void add_column(const std::string& name, hid_t type, std::size_t size);
  std::vector<Column> columns_;
  std::size_t row_size_ = 0;
};

// Rows packed to a TableLayout, column by column in layout order.
class TableRows {
 public:
  explicit TableRows(const TableLayout& layout) : layout_(&layout) {}
  template <class T>
  TableRows& put(T value);
  TableRows& put_string(std::string_view value);
  std::size_t size() const;  // complete rows
  const std::byte* data() const { return bytes_.data(); }
  void clear();

 private:
  void put_bytes(const void* value, std::size_t size, hid_t type);
  const TableLayout* layout_;
  std::vector<std::byte> bytes_;
  std::size_t column_ = 0;
};

// An extendable, chunked, compressed dataset that grows by appending rows: a compound table
// (rank 1) or a matrix of `width` columns (rank 2). The one writer of every table and series.
class AppendableDataset {
 public:
  // A compound table of `layout` rows.
  AppendableDataset(hid_t parent, const std::string& name, const TableLayout& layout,
                    std::size_t chunk_rows);
  // A vector [rows] of `element` (a native type).
  AppendableDataset(hid_t parent, const std::string& name, hid_t element, std::size_t chunk_rows);
  // A matrix [rows, width] of `element` (a native type).
  AppendableDataset(hid_t parent, const std::string& name, hid_t element, std::size_t width,
                    std::size_t chunk_rows);

  void append(const void* rows, std::size_t count);
  std::size_t rows() const { return rows_; }
  hid_t id() const { return dataset_.id(); }

 private:
  Handle dataset_;
  Handle memory_type_;
  hid_t element_ = H5I_INVALID_HID;
  std::size_t width_ = 0;  // 0 for a table
  std::size_t rows_ = 0;
};

// A one-dimensional dataset of `values`, written whole.
Handle write_vector(hid_t parent, const std::string& name, const std::vector<double>& values);

// Dimension scales (HDF5's, as netCDF-4 reads them): `scale` becomes the named coordinate of
// dimension `dimension` of `dataset`, so xarray opens it labelled.
void make_scale(hid_t scale, const std::string& name);
void attach_scale(hid_t dataset, hid_t scale, unsigned dimension);

// One column of a compound table, converted to double (e.g. for quantiles).
std::vector<double> read_column(hid_t table, const std::string& column);

}  // namespace smpsim::h5
