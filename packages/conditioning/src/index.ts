// @diffuse/conditioning: Conditioning: classifier-free guidance, class and context embeddings, masks.
export {};
