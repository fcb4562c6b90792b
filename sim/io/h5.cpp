#include "smpsim/io/h5.h"

#include <H5DSpublic.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "smpsim/model/error.h"

namespace smpsim::h5 {

namespace {

constexpr int kDeflateLevel = 1;  // fast: the output must not dominate the run time

// The system's reason, when the failure came from one (HDF5 leaves errno set, e.g. ENOSPC).
[[noreturn]] void fail(std::string_view what) {
  const int error = errno;
  errno = 0;
  throw IoError("HDF5: cannot " + std::string(what) +
                (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
}

void check(herr_t status, std::string_view what) {
  if (status < 0) fail(what);
}

Handle scalar_space() {
  return Handle(H5Screate(H5S_SCALAR), H5Sclose, "create a dataspace");
}

Handle utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set a string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set a string character set");
  return type;
}

Handle chunked_properties(int rank, const hsize_t* chunk) {
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
  check(H5Pset_chunk(properties, rank, chunk), "set a chunk size");
  check(H5Pset_shuffle(properties), "set the shuffle filter");
  check(H5Pset_deflate(properties, kDeflateLevel), "set the deflate filter");
  return properties;
}

void delete_if_present(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) > 0) {
    check(H5Adelete(object, name.c_str()), "replace attribute " + name);
  }
}

}  // namespace

Handle::Handle(hid_t id, Closer closer, std::string_view what) : id_(id), closer_(closer) {
  if (id < 0) fail(what);
}

Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
  other.id_ = H5I_INVALID_HID;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

Handle::~Handle() {
  close();
}

void Handle::close() {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = H5I_INVALID_HID;
}

void initialise() {
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

// Attributes keep the order they were written in (h5py lists them so).
constexpr unsigned kAttributeOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

Handle create_file(const std::string& path) {
  Handle properties(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file properties");
  check(H5Pset_attr_creation_order(properties, kAttributeOrder), "track attribute order");
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, properties, H5P_DEFAULT), H5Fclose,
                "create file " + path);
}

Handle open_file(const std::string& path, bool writable) {
  return Handle(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT),
                H5Fclose, "open file " + path);
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle properties(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create link properties");
  check(H5Pset_create_intermediate_group(properties, 1), "set link properties");
  Handle group_properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create group properties");
  check(H5Pset_attr_creation_order(group_properties, kAttributeOrder), "track attribute order");
  return Handle(H5Gcreate2(parent, name.c_str(), properties, group_properties, H5P_DEFAULT),
                H5Gclose, "create group " + name);
}

Handle open_dataset(hid_t parent, const std::string& path) {
  return Handle(H5Dopen2(parent, path.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + path);
}

bool exists(hid_t parent, const std::string& path) {
  return H5Lexists(parent, path.c_str(), H5P_DEFAULT) > 0;
}

template <class T>
void write_attribute(hid_t object, const std::string& name, const T& value) {
  delete_if_present(object, name);
  const Handle space = scalar_space();
  const Handle attribute(
      H5Acreate2(object, name.c_str(), native_type<T>(), space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
      "create attribute " + name);
  check(H5Awrite(attribute, native_type<T>(), &value), "write attribute " + name);
}
template void write_attribute<double>(hid_t, const std::string&, const double&);
template void write_attribute<std::int64_t>(hid_t, const std::string&, const std::int64_t&);
template void write_attribute<std::uint64_t>(hid_t, const std::string&, const std::uint64_t&);
template void write_attribute<std::int32_t>(hid_t, const std::string&, const std::int32_t&);

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  delete_if_present(object, name);
  const Handle type = utf8_string_type();
  const Handle space = scalar_space();
  const Handle attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "create attribute " + name);
  const char* pointer = value.c_str();
  check(H5Awrite(attribute, type, &pointer), "write attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, const char* value) {
  write_attribute(object, name, std::string(value));
}

template <class T>
T read_attribute(hid_t object, const std::string& name) {
  const Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                         "open attribute " + name);
  T value{};
  check(H5Aread(attribute, native_type<T>(), &value), "read attribute " + name);
  return value;
}
template double read_attribute<double>(hid_t, const std::string&);
template std::int64_t read_attribute<std::int64_t>(hid_t, const std::string&);
template std::uint64_t read_attribute<std::uint64_t>(hid_t, const std::string&);
template std::int32_t read_attribute<std::int32_t>(hid_t, const std::string&);

std::string read_string_attribute(hid_t object, const std::string& name) {
  const Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                         "open attribute " + name);
  const Handle type = utf8_string_type();
  char* pointer = nullptr;
  check(H5Aread(attribute, type, &pointer), "read attribute " + name);
  std::string value = pointer ? pointer : "";
  H5free_memory(pointer);
  return value;
}

// ---- Tables ---------------------------------------------------------------------------------

void TableLayout::add_column(const std::string& name, hid_t type, std::size_t size) {
  columns_.push_back({name, type, row_size_, size});
  row_size_ += size;
}

void TableLayout::add_string(const std::string& name, std::size_t length) {
  add_column(name, H5T_C_S1, length);
}

Handle TableLayout::memory_type() const {
  Handle compound(H5Tcreate(H5T_COMPOUND, row_size_), H5Tclose, "create a compound type");
  for (const Column& column : columns_) {
    if (column.type == H5T_C_S1) {
      Handle text(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
      check(H5Tset_size(text, column.size), "set a string size");
      check(H5Tset_strpad(text, H5T_STR_NULLPAD), "set string padding");
      check(H5Tinsert(compound, column.name.c_str(), column.offset, text),
            "add column " + column.name);
    } else {
      check(H5Tinsert(compound, column.name.c_str(), column.offset, column.type),
            "add column " + column.name);
    }
  }
  return compound;
}

template <class T>
TableRows& TableRows::put(T value) {
  put_bytes(&value, sizeof(T), native_type<T>());
  return *this;
}
template TableRows& TableRows::put<double>(double);
template TableRows& TableRows::put<float>(float);
template TableRows& TableRows::put<std::int64_t>(std::int64_t);
template TableRows& TableRows::put<std::int32_t>(std::int32_t);
template TableRows& TableRows::put<std::int8_t>(std::int8_t);

TableRows& TableRows::put_string(std::string_view value) {
  const auto& column = layout_->column_list()[column_];
  std::vector<char> padded(column.size, '\0');
  std::memcpy(padded.data(), value.data(), std::min(value.size(), column.size));
  put_bytes(padded.data(), column.size, H5T_C_S1);
  return *this;
}

void TableRows::put_bytes(const void* value, std::size_t size, hid_t type) {
  const auto& column = layout_->column_list().at(column_);
  if (column.size != size || column.type != type) {
    throw std::logic_error("table column " + column.name + ": value of the wrong type");
  }
  const auto* bytes = static_cast<const std::byte*>(value);
  bytes_.insert(bytes_.end(), bytes, bytes + size);
  column_ = (column_ + 1) % layout_->columns();
}

std::size_t TableRows::size() const {
  return bytes_.size() / layout_->row_size();
}

void TableRows::clear() {
  bytes_.clear();
  column_ = 0;
}

// ---- Appendable datasets --------------------------------------------------------------------

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name,
                                     const TableLayout& layout, std::size_t chunk_rows)
    : memory_type_(layout.memory_type()) {
  element_ = memory_type_.id();
  const hsize_t initial[1] = {0}, maximum[1] = {H5S_UNLIMITED}, chunk[1] = {chunk_rows};
  const Handle space(H5Screate_simple(1, initial, maximum), H5Sclose, "create a dataspace");
  const Handle properties = chunked_properties(1, chunk);
  dataset_ = Handle(
      H5Dcreate2(parent, name.c_str(), memory_type_, space, H5P_DEFAULT, properties, H5P_DEFAULT),
      H5Dclose, "create dataset " + name);
}

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name, hid_t element,
                                     std::size_t chunk_rows)
    : element_(element) {
  const hsize_t initial[1] = {0}, maximum[1] = {H5S_UNLIMITED}, chunk[1] = {chunk_rows};
  const Handle space(H5Screate_simple(1, initial, maximum), H5Sclose, "create a dataspace");
  const Handle properties = chunked_properties(1, chunk);
  dataset_ =
      Handle(H5Dcreate2(parent, name.c_str(), element, space, H5P_DEFAULT, properties, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
}

Handle write_vector(hid_t parent, const std::string& name, const std::vector<double>& values) {
  const hsize_t size[1] = {values.size()};
  const Handle space(H5Screate_simple(1, size, nullptr), H5Sclose, "create a dataspace");
  Handle dataset(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                            H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose, "create dataset " + name);
  check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "write " + name + " (is the disk full?)");
  return dataset;
}

void make_scale(hid_t scale, const std::string& name) {
  check(H5DSset_scale(scale, name.c_str()), "make " + name + " a dimension scale");
}

void attach_scale(hid_t dataset, hid_t scale, unsigned dimension) {
  check(H5DSattach_scale(dataset, scale, dimension), "attach a dimension scale");
}

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name, hid_t element,
                                     std::size_t width, std::size_t chunk_rows)
    : element_(element), width_(width) {
  const hsize_t initial[2] = {0, width}, maximum[2] = {H5S_UNLIMITED, width},
                chunk[2] = {chunk_rows, std::max<hsize_t>(width, 1)};
  const Handle space(H5Screate_simple(2, initial, maximum), H5Sclose, "create a dataspace");
  const Handle properties = chunked_properties(2, chunk);
  dataset_ =
      Handle(H5Dcreate2(parent, name.c_str(), element, space, H5P_DEFAULT, properties, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
}

void AppendableDataset::append(const void* rows, std::size_t count) {
  if (count == 0) return;
  const int rank = width_ ? 2 : 1;
  const hsize_t extent[2] = {rows_ + count, width_};
  check(H5Dset_extent(dataset_, extent), "extend a dataset");
  const Handle file_space(H5Dget_space(dataset_), H5Sclose, "get a dataspace");
  const hsize_t start[2] = {rows_, 0}, size[2] = {count, width_};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, size, nullptr),
        "select rows");
  const Handle memory_space(H5Screate_simple(rank, size, nullptr), H5Sclose, "create a dataspace");
  check(H5Dwrite(dataset_, element_, memory_space, file_space, H5P_DEFAULT, rows),
        "write rows (is the disk full?)");
  rows_ += count;
}

std::vector<double> read_column(hid_t table, const std::string& column) {
  const Handle space(H5Dget_space(table), H5Sclose, "get a dataspace");
  const hssize_t rows = H5Sget_simple_extent_npoints(space);
  std::vector<double> values(static_cast<std::size_t>(std::max<hssize_t>(rows, 0)));
  if (values.empty()) return values;
  const Handle one_column(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose, "create a type");
  check(H5Tinsert(one_column, column.c_str(), 0, H5T_NATIVE_DOUBLE), "select column " + column);
  check(H5Dread(table, one_column, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "read column " + column);
  return values;
}

}  // namespace smpsim::h5
