/*
 * Reading files from the EFI system partition the loader was started
 * from: LoadedImage -> DeviceHandle -> SimpleFileSystem -> root directory.
 * Files are read whole into pool memory; the kernel image is copied to its
 * own pages afterwards, so the buffer's placement does not matter.
 */
#include "boot/loader.h"

EFI_STATUS file_open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return boot_error(st, L"no LoadedImage protocol on the loader image");
	st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return boot_error(st, L"the boot device has no file system protocol");
	st = fs->OpenVolume(fs, root);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot open the boot file system");
	return EFI_SUCCESS;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, const CHAR16 *path, void **data, UINTN *size)
{
	EFI_FILE_INFO *info;
	UINT8 *buf;
	UINTN total, done = 0;
	EFI_STATUS st;

	info = LibFileInfo(f);
	if (!info)
		return boot_error(EFI_DEVICE_ERROR, L"cannot get the size of %s", path);
	total = info->FileSize;
	FreePool(info);

	buf = AllocatePool(total + 1);
	if (!buf)
		return boot_error(EFI_OUT_OF_RESOURCES,
				  L"no memory to read %s (%ld bytes)", path, (UINT64)total);
	while (done < total) {
		UINTN chunk = total - done;

		st = f->Read(f, &chunk, buf + done);
		if (EFI_ERROR(st) || chunk == 0) {
			FreePool(buf);
			return boot_error(EFI_ERROR(st) ? st : EFI_END_OF_FILE,
					  L"reading %s failed after %ld of %ld bytes",
					  path, (UINT64)done, (UINT64)total);
		}
		done += chunk;
	}
	buf[total] = 0;
	*data = buf;
	*size = total;
	return EFI_SUCCESS;
}

EFI_STATUS file_read(EFI_FILE_HANDLE root, const CHAR16 *path, BOOLEAN optional,
		     void **data, UINTN *size)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS st;

	st = root->Open(root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND && optional)
		return st;
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot open %s on the boot partition", path);
	st = read_all(f, path, data, size);
	f->Close(f);
	return st;
}
